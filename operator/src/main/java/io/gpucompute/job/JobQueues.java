package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Namespace;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.admission.QueueEntry;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ProviderConfigs' queues as the GpuJob reconciler sees them, from the {@link QueueIndex} that follows its cache:
 * which jobs wait in (or hold capacity of) a queue, and the hand-off that wakes the next jobs the moment capacity is
 * freed. Reading a queue costs a copy of its members, never a pass over every cached job.
 */
final class JobQueues {

  /** How many places at the head of a queue have their {@code status.queuePosition} refreshed when it moves. */
  static final int FRESH_POSITIONS = 100;
  private static final Duration POSITION_REFRESH = Duration.ofSeconds(1);

  /**
   * A ProviderConfig's queue at one moment.
   *
   * @param waiting the jobs that may start now, in queue order
   * @param snapshot what admission plans from
   */
  record Read(List<QueueIndex.Member> waiting, AdmissionQueue.Snapshot snapshot) {}

  private final AdmissionQueue queue;
  private final QueueIndex index;
  private final Clock clock;
  private final Supplier<InformerEventSource<Namespace, GpuJob>> namespaces;
  private final Function<String, Optional<ProviderConfig>> providerConfigs;
  private final Consumer<GpuJob> wake;
  /** When each queue's positions were last refreshed, by ProviderConfig name. */
  private final Map<String, Instant> positionRefreshes = new ConcurrentHashMap<>();

  /**
   * @param index the queues, as the GpuJob cache's store files them
   * @param namespaces the Namespace informer; null until started
   * @param providerConfigs the cached ProviderConfig of a name
   * @param wake asks for a job to be reconciled
   */
  JobQueues(AdmissionQueue queue, QueueIndex index, Clock clock,
      Supplier<InformerEventSource<Namespace, GpuJob>> namespaces,
      Function<String, Optional<ProviderConfig>> providerConfigs, Consumer<GpuJob> wake) {
    this.queue = queue;
    this.index = index;
    this.clock = clock;
    this.namespaces = namespaces;
    this.providerConfigs = providerConfigs;
    this.wake = wake;
  }

  /**
   * A number that changes (but for a 2^-64 chance) whenever {@code config} or the membership of its queue changes:
   * read in constant time, so that a plan can be reused while it stays the same.
   */
  long fingerprint(ProviderConfig config) {
    return mix(index.version(config.getMetadata().getName())) + 31 * mix(index.version(JobCandidates.ANY))
        + mix(String.valueOf(config.getMetadata().getResourceVersion()).hashCode());
  }

  /** SplitMix64's finalizer: spreads the bits of {@code x} over the whole long. */
  private static long mix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * {@code config}'s queue at {@code now}: the jobs filed under its name or {@link JobCandidates#ANY} that may wait
   * there now (their {@code retryAfter} passed, and {@link JobCandidates#mayQueueOn}), and those holding its capacity.
   */
  Read read(ProviderConfig config, Instant now) {
    QueueIndex.Contents own = index.contents(config.getMetadata().getName());
    QueueIndex.Contents any = index.contents(JobCandidates.ANY);
    Map<String, Optional<Map<String, String>>> labelsByNamespace = new HashMap<>();
    List<QueueIndex.Member> waiting = new ArrayList<>(own.waiting().size() + any.waiting().size());
    for (QueueIndex.Member member : inOrder(own.waiting(), any.waiting())) {
      GpuJob job = member.job();
      if ((member.retryAfter() == null || !now.isBefore(member.retryAfter()))
          && JobCandidates.mayQueueOn(job, config, labelsByNamespace.computeIfAbsent(job.getMetadata().getNamespace(),
              this::namespaceLabels).orElse(null))) {
        waiting.add(member);
      }
    }
    List<QueueEntry> active = own.active().stream().map(QueueIndex.Member::entry).toList();
    return new Read(waiting, new AdmissionQueue.Snapshot(waiting.stream().map(QueueIndex.Member::entry).toList(),
        active, JobQueueSnapshot.capacity(config)));
  }

  /** Two lists in queue order merged into one. */
  private static List<QueueIndex.Member> inOrder(List<QueueIndex.Member> a, List<QueueIndex.Member> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    List<QueueIndex.Member> merged = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && QueueEntry.ORDER.compare(a.get(i).entry(), b.get(j).entry()) <= 0)) {
        merged.add(a.get(i++));
      } else {
        merged.add(b.get(j++));
      }
    }
    return merged;
  }

  /**
   * Hands the capacity {@code job} gave back to the queue: the queue stops counting the job at once (the cache still
   * shows it active until its status write arrives), and the jobs that can start now are woken, with no timer between
   * a freed GPU and the next job.
   */
  void handOff(GpuJob job, String configName) {
    Optional<ProviderConfig> config = providerConfigs.apply(configName);
    queue.freed(configName, JobQueueSnapshot.id(job));
    if (config.isEmpty()) {
      return;
    }
    Read read = read(config.get(), clock.instant());
    // Only a Queued job waits for capacity; any other waiting job is reconciled anyway and asks the queue then.
    if (read.waiting().stream().noneMatch(m -> m.job().getStatus() != null
        && m.job().getStatus().getPhase() == JobPhase.Queued)) {
      return;
    }
    Set<String> admissible = Set.copyOf(queue.admissible(configName, read.snapshot()));
    read.waiting().stream().filter(m -> admissible.contains(m.entry().id())).map(QueueIndex.Member::job).forEach(wake);
    refreshQueuePositions(configName, read.waiting(), admissible);
  }

  /**
   * Wakes the queued jobs near the head of a queue that just moved, so that their status.queuePosition follows the
   * queue and not only their own rechecks; at most once a second per queue, and only the first
   * {@link #FRESH_POSITIONS} places (those behind follow at their recheck).
   */
  private void refreshQueuePositions(String configName, List<QueueIndex.Member> waiting, Set<String> alreadyWoken) {
    Instant now = clock.instant();
    Instant last = positionRefreshes.get(configName);
    if (last != null && now.isBefore(last.plus(POSITION_REFRESH))) {
      return;
    }
    positionRefreshes.put(configName, now);
    waiting.stream().map(QueueIndex.Member::job)
        .filter(j -> j.getStatus() != null && j.getStatus().getQueuePosition() != null
            && j.getStatus().getQueuePosition() <= FRESH_POSITIONS && !alreadyWoken.contains(JobQueueSnapshot.id(j)))
        .forEach(wake);
  }

  private Optional<Map<String, String>> namespaceLabels(String namespace) {
    var cache = namespaces.get();
    return cache == null ? Optional.empty() : cache.get(new ResourceID(namespace))
        .map(ns -> ns.getMetadata().getLabels());
  }
}
