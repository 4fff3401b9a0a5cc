package io.gpucompute.provider.runpod;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per workload, so concurrent submits and cancels of one key run one after the other within this
 * operator; across restarts the look-up by pod name keeps submit idempotent. A lock lives only while used.
 */
final class KeyLocks {

  /** An action run under a workload's lock. */
  @FunctionalInterface
  interface Action<T> {
    T run() throws ProviderException;
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final ConcurrentHashMap<WorkloadKey, Entry> entries = new ConcurrentHashMap<>();

  <T> T withLock(WorkloadKey key, Action<T> action) throws ProviderException {
    Entry entry = entries.compute(key, (ignored, existing) -> {
      Entry current = existing != null ? existing : new Entry();
      current.users++;
      return current;
    });
    entry.lock.lock();
    try {
      return action.run();
    } finally {
      entry.lock.unlock();
      entries.computeIfPresent(key, (ignored, current) -> --current.users == 0 ? null : current);
    }
  }
}
