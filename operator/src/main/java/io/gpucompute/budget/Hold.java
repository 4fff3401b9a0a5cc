package io.gpucompute.budget;

import java.math.BigDecimal;

/**
 * What one job holds of a budget now: the cost its running attempt accrued, what it may still cost, and its GPUs.
 *
 * @param jobUid the job's uid
 * @param running what the running attempt accrued (whole minutes)
 * @param reserved what it may still cost ({@link CostBounds})
 * @param gpuType its GPU type
 * @param gpuCount its GPUs
 */
public record Hold(String jobUid, BigDecimal running, BigDecimal reserved, String gpuType, int gpuCount) {

  /** What {@code job}, which holds a workload, holds at {@code now}. */
  static Hold of(BudgetedJob job, java.time.Instant now) {
    return new Hold(job.uid(), job.running(),
        CostBounds.leftToSpend(job.pricePerHour(), job.deadlineSeconds(), job.startTime(), now),
        job.gpuType(), job.gpuCount());
  }
}
