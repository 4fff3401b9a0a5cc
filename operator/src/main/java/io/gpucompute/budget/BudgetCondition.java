package io.gpucompute.budget;

/** The condition types of a GpuBudget. */
public final class BudgetCondition {

  /** The budget is counted and enforced. */
  public static final String READY = "Ready";
  /** 80 % of the limit or more is used (spent plus committed). */
  public static final String WARNING = "Warning";
  /** The limit is reached. */
  public static final String EXCEEDED = "Exceeded";

  private BudgetCondition() {}
}
