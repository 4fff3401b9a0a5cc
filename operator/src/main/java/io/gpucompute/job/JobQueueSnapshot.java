package io.gpucompute.job;

import io.gpucompute.admission.Capacity;
import io.gpucompute.admission.QueueEntry;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.Timestamps;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** How the admission queue sees a job and a provider. Pure. */
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
   * Whether the job holds capacity now: from the record of an attempt until its workload is released, also after the
   * attempt's outcome is saved.
   */
  public static boolean isActive(GpuJob job) {
    return AttemptBindings.unreleased(job).isPresent();
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

  /** What {@code config} can run at once: its maxConcurrentJobs and the GPUs its offers count. */
  static Capacity capacity(ProviderConfig config) {
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
