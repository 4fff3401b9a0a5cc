package io.gpucompute.api.v1alpha1;

/** How often a {@link GpuBudget}'s count starts again at zero. Periods are calendar periods in UTC. */
public enum BudgetPeriod {
  /** From the first day of each month, 00:00 UTC. */
  Monthly,
  /** From each Monday, 00:00 UTC (ISO weeks). */
  Weekly,
  /** From each day, 00:00 UTC. */
  Daily,
  /** Never: the limit is a fixed total, counted from the budget's creation. */
  None
}
