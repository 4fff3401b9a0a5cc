package io.gpucompute.budget;

/**
 * The CamelCase reasons of a GpuBudget's conditions and Events. docs/conditions.md explains each one. The reasons a
 * waiting GpuJob shows are {@code JobReason.BUDGET_EXCEEDED} and {@code JobReason.GPU_QUOTA_EXCEEDED}.
 */
public final class BudgetReason {

  /** Ready: the budget's jobs are counted, and the count is enforced. */
  public static final String COUNTED = "Counted";
  /** Ready=False: more jobs ended than one status write may record; the rest are counted in the next writes. */
  public static final String SETTLING = "Settling";
  /** Warning: 80 % of the limit or more is used. */
  public static final String NEAR_LIMIT = "NearLimit";
  /** Warning=False: less than 80 % is used. */
  public static final String BELOW_WARNING = "BelowWarning";
  /** Exceeded: the limit is reached. */
  public static final String LIMIT_REACHED = "LimitReached";
  /** Exceeded=False: the limit is not reached. */
  public static final String WITHIN_LIMIT = "WithinLimit";
  /** Event: a new period began, and the count started again at zero. */
  public static final String PERIOD_STARTED = "PeriodStarted";

  private BudgetReason() {}
}
