package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Namespace;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The ProviderConfigs' queues as the GpuJob reconciler sees them, from its informer caches: which cached jobs wait
 * in (or hold capacity of) a queue, and the hand-off that wakes the next jobs the moment capacity is freed.
 */
final class JobQueues {

  /** How many places at the head of a queue have their {@code status.queuePosition} refreshed when it moves. */
  static final int FRESH_POSITIONS = 100;
  private static final Duration POSITION_REFRESH = Duration.ofSeconds(1);

  private final AdmissionQueue queue;
  private final Clock clock;
  private final Supplier<IndexedResourceCache<GpuJob>> jobs;
  private final Supplier<InformerEventSource<Namespace, GpuJob>> namespaces;
  private final Function<String, Optional<ProviderConfig>> providerConfigs;
  private final Consumer<GpuJob> wake;
  /** When each queue's positions were last refreshed, by ProviderConfig name. */
  private final Map<String, Instant> positionRefreshes = new ConcurrentHashMap<>();

  /**
   * @param jobs the cache of GpuJobs, indexed by {@link GpuJobReconciler#BY_PROVIDER_CONFIG}; null until started
   * @param namespaces the Namespace informer; null until started
   * @param providerConfigs the cached ProviderConfig of a name
   * @param wake asks for a job to be reconciled
   */
  JobQueues(AdmissionQueue queue, Clock clock, Supplier<IndexedResourceCache<GpuJob>> jobs,
      Supplier<InformerEventSource<Namespace, GpuJob>> namespaces,
      Function<String, Optional<ProviderConfig>> providerConfigs, Consumer<GpuJob> wake) {
    this.queue = queue;
    this.clock = clock;
    this.jobs = jobs;
    this.namespaces = namespaces;
    this.providerConfigs = providerConfigs;
    this.wake = wake;
  }

  /** A ProviderConfig's queue, from the cached jobs that may wait in it or hold capacity on it. */
  List<GpuJob> jobsInQueue(ProviderConfig config) {
    var cache = jobs.get();
    if (cache == null) {
      return List.of();
    }
    String name = config.getMetadata().getName();
    return Stream.concat(cache.byIndex(GpuJobReconciler.BY_PROVIDER_CONFIG, name).stream(),
            cache.byIndex(GpuJobReconciler.BY_PROVIDER_CONFIG, JobCandidates.ANY).stream())
        .filter(j -> JobQueueSnapshot.isActive(j) || JobCandidates.mayQueueOn(j, config, namespaceLabels(j)))
        .toList();
  }

  /**
   * Hands the capacity {@code job} gave back to the queue: the queue stops counting the job at once (the cache still
   * shows it active until its status write arrives), and the jobs that can start now are woken, with no timer between
   * a freed GPU and the next job.
   */
  void handOff(GpuJob job, String configName) {
    Optional<ProviderConfig> config = providerConfigs.apply(configName);
    queue.freed(configName, JobQueueSnapshot.id(job));
    if (jobs.get() == null || config.isEmpty()) {
      return;
    }
    List<GpuJob> ofProvider = jobsInQueue(config.get());
    // Only a Queued job waits for capacity; any other waiting job is reconciled anyway and asks the queue then.
    if (ofProvider.stream().noneMatch(j -> j.getStatus() != null && j.getStatus().getPhase() == JobPhase.Queued)) {
      return;
    }
    Set<String> admissible = Set.copyOf(queue.admissible(configName,
        JobQueueSnapshot.of(config.get(), ofProvider, clock.instant())));
    ofProvider.stream().filter(j -> admissible.contains(JobQueueSnapshot.id(j))).forEach(wake);
    refreshQueuePositions(configName, ofProvider, admissible);
  }

  /**
   * Wakes the queued jobs near the head of a queue that just moved, so that their status.queuePosition follows the
   * queue and not only their own rechecks; at most once a second per queue, and only the first
   * {@link #FRESH_POSITIONS} places (those behind follow at their recheck).
   */
  private void refreshQueuePositions(String configName, List<GpuJob> ofProvider, Set<String> alreadyWoken) {
    Instant now = clock.instant();
    Instant last = positionRefreshes.get(configName);
    if (last != null && now.isBefore(last.plus(POSITION_REFRESH))) {
      return;
    }
    positionRefreshes.put(configName, now);
    ofProvider.stream()
        .filter(j -> j.getStatus() != null && j.getStatus().getQueuePosition() != null
            && j.getStatus().getQueuePosition() <= FRESH_POSITIONS && !alreadyWoken.contains(JobQueueSnapshot.id(j)))
        .forEach(wake);
  }

  private Map<String, String> namespaceLabels(GpuJob job) {
    var cache = namespaces.get();
    return cache == null ? null : cache.get(new ResourceID(job.getMetadata().getNamespace()))
        .map(ns -> ns.getMetadata().getLabels()).orElse(null);
  }
}
