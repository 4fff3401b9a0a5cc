package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the workloads that jobs hold: once per poll interval, one {@link GpuProvider#observeAll} per provider over
 * all of its workloads, and wakes only the jobs whose workload looks different from the round before. A job that
 * holds a workload is not polled on its own: with nothing changing, a round costs the providers' listings (one call
 * per page where the adapter observes in bulk) and no reconcile, no status write, no API call.
 *
 * <p>What a round compares is a 64-bit digest of each observation (state, exit code, id, message, log tail), not
 * the observation, so the poller's memory does not grow with the log tails of thousands of workloads. A job woken for
 * a pending or running workload of an adapter that {@link GpuProvider#observesAllInFull observes all in full} decides
 * from the observation that woke it ({@link #take}), which is what its own observe would say, so its reconcile costs
 * no second provider call. A job woken for a finished workload, or by an adapter whose listings leave the logs out,
 * observes the workload again on its own, logs included.
 */
final class WorkloadPoller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadPoller.class);
  /** Providers polled at once; a provider whose round still runs is skipped until it ends. */
  private static final int THREADS = 4;

  /** A job whose workload is polled, and where. */
  record Held(GpuJob job, WorkloadKey key, GpuProvider provider) {}

  private final Duration interval;
  private final Supplier<Collection<GpuJob>> jobs;
  private final Function<GpuJob, Optional<Held>> held;
  private final Consumer<GpuJob> wake;
  private final Map<WorkloadKey, Long> digests = new ConcurrentHashMap<>();
  /** The observation that woke a job whose workload is pending or running, for its reconcile to use once. */
  private final Map<WorkloadKey, Observation> fresh = new ConcurrentHashMap<>();
  /** When a provider last told of a change of a workload, in {@link System#nanoTime}. */
  private final Map<WorkloadKey, Long> changedAt = new ConcurrentHashMap<>();
  private final Set<GpuProvider> polling = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService timer;
  private ExecutorService rounds;

  /**
   * @param jobs the cached jobs (all of them: the poller picks those that hold a workload)
   * @param held the workload a job holds and its connected provider, if it holds one that can be observed now
   * @param wake asks for the job to be reconciled
   */
  WorkloadPoller(Duration interval, Supplier<Collection<GpuJob>> jobs, Function<GpuJob, Optional<Held>> held,
      Consumer<GpuJob> wake) {
    this.interval = interval;
    this.jobs = jobs;
    this.held = held;
    this.wake = wake;
  }

  /** Starts polling, a round every interval. */
  synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(daemon("workload-poller"));
    rounds = Executors.newFixedThreadPool(THREADS, daemon("workload-poller-round"));
    long millis = Math.max(1, interval.toMillis());
    timer.scheduleWithFixedDelay(this::roundSafely, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      rounds.shutdownNow();
      timer = null;
    }
  }

  /** Forgets what was seen of {@code key}: its next round wakes its job (the provider said it changed). */
  void changed(WorkloadKey key) {
    changedAt.put(key, System.nanoTime());
    fresh.remove(key);
    digests.remove(key);
  }

  /**
   * The observation of a pending or running workload that this poller took when it woke the job, once; empty when
   * there is none, when the provider told of a change after it was taken, or when a later round saw the workload
   * otherwise. A finished (or vanished) workload, and one observed in bulk, is never handed over: its reconcile
   * observes it on its own, with everything the provider shows (logs included).
   */
  Optional<Observation> take(WorkloadKey key) {
    return Optional.ofNullable(fresh.remove(key));
  }

  private void roundSafely() {
    try {
      round();
    } catch (RuntimeException e) {
      LOG.warn("a round of polling the workloads failed: {}", e.toString(), e);
    }
  }

  /** One round: groups the held workloads by provider and polls each provider's in the background. */
  void round() {
    Map<GpuProvider, List<Held>> byProvider = new IdentityHashMap<>();
    Set<WorkloadKey> current = new HashSet<>();
    for (GpuJob job : jobs.get()) {
      held.apply(job).ifPresent(h -> {
        byProvider.computeIfAbsent(h.provider(), p -> new ArrayList<>()).add(h);
        current.add(h.key());
      });
    }
    digests.keySet().retainAll(current);
    fresh.keySet().retainAll(current);
    long stale = System.nanoTime() - 3 * Math.max(1, interval.toNanos());
    changedAt.values().removeIf(at -> at - stale < 0);
    byProvider.forEach((provider, workloads) -> {
      if (polling.add(provider)) {
        rounds.execute(() -> {
          try {
            poll(provider, workloads);
          } finally {
            polling.remove(provider);
          }
        });
      }
    });
  }

  /** Observes one provider's workloads at once, and wakes the jobs whose workload changed. */
  void poll(GpuProvider provider, List<Held> workloads) {
    Map<WorkloadKey, Observation> observed;
    long started = System.nanoTime();
    // Only an observation as observe makes it (with the logs) may stand in for the reconcile's own.
    boolean complete = provider.observesAllInFull();
    try {
      observed = provider.observeAll(workloads.stream()
          .map(h -> new GpuProvider.WorkloadRef(h.key(), externalId(h.job()))).toList());
    } catch (ProviderException e) {
      LOG.debug("polling {} workloads failed ({}): {}; trying again next round", workloads.size(), e.reason(),
          e.getMessage());
      failed(workloads, e.reason());
      return;
    }
    for (Held h : workloads) {
      Observation observation = observed.get(h.key());
      if (observation == null) { // its own call failed
        failed(List.of(h), "unobserved");
        continue;
      }
      Long before = digests.put(h.key(), digest(observation));
      if (before == null || before != digest(observation)) {
        if (complete && notToldOfAChangeSince(h.key(), started) && stillHeld(observation)) {
          fresh.put(h.key(), observation);
        } else {
          fresh.remove(h.key()); // an older one, not taken yet, would now mislead the reconcile
        }
        wake.accept(h.job());
      }
    }
  }

  /**
   * Wakes the jobs whose workloads could not be observed, once per outage (and again when the reason changes):
   * their reconciles observe on their own, fail with the provider's reason and retry with backoff, so each job shows
   * that its provider is unreachable. The next answer differs from the failure's digest, which wakes them again.
   */
  private void failed(List<Held> workloads, String reason) {
    long failure = fnv("polling failed", reason);
    for (Held h : workloads) {
      Long before = digests.put(h.key(), failure);
      if (before == null || before != failure) {
        fresh.remove(h.key());
        wake.accept(h.job());
      }
    }
  }

  /** Whether the provider told of no change of {@code key} since {@code started} (a round's start). */
  private boolean notToldOfAChangeSince(WorkloadKey key, long started) {
    Long told = changedAt.get(key);
    return told == null || told - started < 0;
  }

  private static boolean stillHeld(Observation observation) {
    return observation.state() == WorkloadState.PENDING || observation.state() == WorkloadState.RUNNING;
  }

  private static String externalId(GpuJob job) {
    GpuJobStatus status = job.getStatus();
    return status == null ? null : status.getExternalId();
  }

  /** A 64-bit digest of what an observation says (FNV-1a over its fields). */
  static long digest(Observation o) {
    return fnv(o.state(), o.exitCode(), o.externalId(), o.message(), o.logTail(), o.startedAt(), o.finishedAt());
  }

  /** FNV-1a over the fields' texts, each field closed by a separator. */
  private static long fnv(Object... fields) {
    long h = 0xcbf29ce484222325L;
    for (Object field : fields) {
      String text = field == null ? "\u0000" : field.toString();
      for (int i = 0; i < text.length(); i++) {
        h = (h ^ text.charAt(i)) * 0x100000001b3L;
      }
      h = (h ^ 0x1f) * 0x100000001b3L;
    }
    return h;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
