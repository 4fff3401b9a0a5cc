package io.gpucompute.api.v1alpha1;

/** What a {@link GpuBudget} does once what its jobs spent reaches its limit. */
public enum BudgetEnforcement {
  /** New jobs wait (Queued, reason BudgetExceeded); running jobs go on to their end. The default. */
  BlockNew,
  /** New jobs wait, and running jobs are stopped and wait too (Queued, reason BudgetExceeded). */
  StopRunning
}
