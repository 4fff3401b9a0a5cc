package io.gpucompute.provider;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per workload, so that concurrent submits and cancels of the same key run one after the other while
 * different keys never wait on each other. A lock lives only while someone holds or waits for it. Adapters use it
 * to make submit idempotent within one operator; across restarts their look-up by the workload's name does.
 */
public final class WorkloadLocks {

  /** An action run under a workload's lock. */
  @FunctionalInterface
  public interface Action<T> {
    T run() throws ProviderException;
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  public <T> T withLock(WorkloadKey key, Action<T> action) throws ProviderException {
    String name = key.workloadName();
    Entry entry = entries.compute(name, (ignored, existing) -> {
      Entry current = existing != null ? existing : new Entry();
      current.users++;
      return current;
    });
    entry.lock.lock();
    try {
      return action.run();
    } finally {
      entry.lock.unlock();
      entries.computeIfPresent(name, (ignored, current) -> --current.users == 0 ? null : current);
    }
  }

  /** How many locks exist now; for tests. */
  public int size() {
    return entries.size();
  }
}
