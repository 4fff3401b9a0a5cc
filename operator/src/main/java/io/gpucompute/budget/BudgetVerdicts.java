package io.gpucompute.budget;

import io.gpucompute.job.JobReason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether the budgets that cover a job let it start, or keep running. Every one of them must allow it. Pure;
 * {@code BudgetVerdictsTest} covers it with tables.
 */
public final class BudgetVerdicts {

  /**
   * Why a job may not start (or go on running) now.
   *
   * @param reason {@link JobReason#BUDGET_EXCEEDED}, {@link JobReason#GPU_QUOTA_EXCEEDED} or
   *     {@link JobReason#PRICE_UNKNOWN}
   * @param message the figures, for people
   */
  public record Refusal(JobReason reason, String message) {}

  /**
   * What wants to start: a job's GPUs, price and deadline.
   *
   * @param pricePerHour the price per hour of where it would run, or null when unknown
   * @param deadlineSeconds spec.activeDeadlineSeconds, or null
   * @param startTime when its first attempt started, or null
   */
  public record Start(String gpuType, int gpuCount, BigDecimal pricePerHour, Long deadlineSeconds,
      Instant startTime) {}

  private BudgetVerdicts() {}

  /**
   * Why {@code start} may not start now under {@code budgets} (those that cover it, by name), or empty when each of
   * them allows it: its GPUs fit in every GPU limit, and the most it may cost fits in what every budget has left.
   */
  public static Optional<Refusal> toStart(List<BudgetUse> budgets, Start start, Instant now) {
    for (BudgetUse budget : budgets) {
      Integer limit = budget.gpuLimit(start.gpuType());
      int inUse = budget.gpusInUse(start.gpuType());
      if (limit != null && inUse + start.gpuCount() > limit) {
        return Optional.of(new Refusal(JobReason.GPU_QUOTA_EXCEEDED, "GpuBudget " + budget.name() + " allows "
            + limit + " " + start.gpuType() + " at once and its jobs hold " + inUse + "; this job needs "
            + start.gpuCount()));
      }
    }
    if (budgets.isEmpty()) {
      return Optional.empty();
    }
    if (start.pricePerHour() == null) {
      return Optional.of(new Refusal(JobReason.PRICE_UNKNOWN, "GpuBudget " + budgets.get(0).name() + " counts this "
          + "job's cost, but its provider has no price for " + start.gpuType() + "; add one to the ProviderConfig's "
          + "spec.prices"));
    }
    BigDecimal worst = CostBounds.leftToSpend(start.pricePerHour(), start.deadlineSeconds(), start.startTime(), now);
    for (BudgetUse budget : budgets) {
      if (worst.compareTo(budget.remaining()) > 0) {
        String whole = worst.compareTo(budget.limit()) > 0 ? ", more than the whole limit" : "";
        return Optional.of(new Refusal(JobReason.BUDGET_EXCEEDED, "GpuBudget " + budget.name() + " spent "
            + usd(budget.spent()) + " of " + usd(budget.limit()) + " USD " + budget.window().label()
            + running(budget) + "; this job may cost up to " + usd(worst) + whole
            + (start.deadlineSeconds() == null ? " (an hour of it: it has no spec.activeDeadlineSeconds)" : "")));
      }
    }
    return Optional.empty();
  }

  /** Why a running job must stop now: a budget that covers it stops running jobs and reached its limit. */
  public static Optional<Refusal> toKeepRunning(List<BudgetUse> budgets) {
    for (BudgetUse budget : budgets) {
      if (budget.stopsRunning() && budget.exceeded()) {
        return Optional.of(new Refusal(JobReason.BUDGET_EXCEEDED, "GpuBudget " + budget.name() + " reached its "
            + "limit: " + usd(budget.used()) + " of " + usd(budget.limit()) + " USD used " + budget.window().label()
            + ", and its spec.onExceeded is StopRunning; the job waits for the next period or a higher limit"));
      }
    }
    return Optional.empty();
  }

  private static String running(BudgetUse budget) {
    if (budget.committed().signum() == 0 && budget.reserved().signum() == 0) {
      return "";
    }
    return " (its running jobs: " + usd(budget.committed()) + " so far, up to " + usd(budget.reserved()) + " more)";
  }

  /** An amount in USD for people: two decimals. */
  static String usd(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
