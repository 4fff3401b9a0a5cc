package io.gpucompute.job;

import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.admission.Capacity;
import io.gpucompute.admission.QueueEntry;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.Timestamps;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the admission queue's view of one provider from cached jobs. Pure. */
public final class JobQueueSnapshot {

  private static final Set<String> BUDGET_REASONS = Set.of(JobReason.BUDGET_EXCEEDED.toString(),
      JobReason.GPU_QUOTA_EXCEEDED.toString(), JobReason.PRICE_UNKNOWN.toString());

  private JobQueueSnapshot() {}

  /** The queue entry of a job. */
  public static QueueEntry entry(GpuJob job) {
    return new QueueEntry(id(job), job.getSpec().effectivePriority(),
        Timestamps.parse(job.getMetadata().getCreationTimestamp()),
        job.getSpec().getGpu().getType(), job.getSpec().getGpu().getCount());
  }

  /** {@code namespace/name}. */
  public static String id(GpuJob job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
  }

  /**
   * A number that changes (but for a 2^-64 chance) whenever {@code config} or any of {@code jobsOfProvider} changes,
   * whatever their order: cheap to compute, so a plan can be reused while it stays the same.
   */
  public static long fingerprint(ProviderConfig config, Collection<GpuJob> jobsOfProvider) {
    long sum = mix(String.valueOf(config.getMetadata().getResourceVersion()).hashCode());
    for (GpuJob job : jobsOfProvider) {
      sum += mix(((long) job.getMetadata().getUid().hashCode() << 32)
          ^ String.valueOf(job.getMetadata().getResourceVersion()).hashCode());
    }
    return sum + jobsOfProvider.size();
  }

  /** SplitMix64's finalizer: spreads the bits of {@code x} over the whole long. */
  private static long mix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The snapshot of {@code config}'s queue, from the jobs that reference it. */
  public static AdmissionQueue.Snapshot of(ProviderConfig config, Collection<GpuJob> jobsOfProvider, Instant now) {
    List<QueueEntry> waiting = jobsOfProvider.stream().filter(j -> isWaiting(j, now)).map(JobQueueSnapshot::entry).toList();
    List<QueueEntry> active = jobsOfProvider.stream().filter(JobQueueSnapshot::isActive).map(JobQueueSnapshot::entry).toList();
    return new AdmissionQueue.Snapshot(waiting, active, capacity(config));
  }

  /**
   * Whether the job holds capacity now: from the record of an attempt until its workload is released, also after the
   * attempt's outcome is saved.
   */
  public static boolean isActive(GpuJob job) {
    return AttemptBindings.unreleased(job).isPresent();
  }

  private static boolean isWaiting(GpuJob job, Instant now) {
    if (job.getSpec().suspended() || job.getMetadata().getDeletionTimestamp() != null || isActive(job)) {
      return false;
    }
    if (job.getStatus() == null || job.getStatus().getPhase() == null) {
      return true;
    }
    JobPhase phase = job.getStatus().getPhase();
    Instant retryAfter = Timestamps.parse(job.getStatus().getRetryAfter());
    return (phase == JobPhase.Pending || phase == JobPhase.Queued)
        && !Conditions.isTrue(job.getStatus().getConditions(), JobCondition.STALLED)
        && !waitsForBudget(job)
        && (retryAfter == null || !now.isBefore(retryAfter));
  }

  /**
   * Whether the job's status says it waits for a GpuBudget (Queued with reason BudgetExceeded, GpuQuotaExceeded or
   * PriceUnknown). Such a job is left out of its provider's queue, where it would hold a place it cannot take; its
   * budget wakes it, and it enters the queue when the budget lets it.
   */
  public static boolean waitsForBudget(GpuJob job) {
    return job.getStatus() != null && job.getStatus().getPhase() == JobPhase.Queued
        && Conditions.find(job.getStatus().getConditions(), JobCondition.RECONCILING)
            .filter(c -> BUDGET_REASONS.contains(c.getReason())).isPresent();
  }

  private static Capacity capacity(ProviderConfig config) {
    Map<String, Integer> inventory = new HashMap<>();
    if (config.getStatus() != null && config.getStatus().getOffers() != null) {
      for (GpuOffer offer : config.getStatus().getOffers()) {
        if (offer.getCount() != null) {
          inventory.merge(offer.getGpuType(), offer.getCount(), Integer::sum);
        }
      }
    }
    return new Capacity(config.getSpec().getMaxConcurrentJobs(), inventory);
  }
}
