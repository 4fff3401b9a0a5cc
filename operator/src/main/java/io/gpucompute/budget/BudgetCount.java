package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuBudgetStatus;
import io.gpucompute.api.v1alpha1.UserSpend;
import io.gpucompute.cost.Money;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One budget counted over the jobs of its namespace at one moment: the period, the costs settled into it, and what
 * running jobs hold. Pure. The budget's reconciler writes it into the status; admission decides from it, so a cost
 * that a job settled a moment ago counts even before the budget's status shows it.
 *
 * @param window the period counted in
 * @param newPeriod whether a new period began since the status was written (its count starts at zero)
 * @param settlement the costs settled into the period, and the ledger
 * @param use the figures admission decides from
 */
public record BudgetCount(BudgetWindow window, boolean newPeriod, Settlement.Result settlement, BudgetUse use) {

  /** The most entries a budget's ledger holds (the CRD's limit): more ended jobs are counted in later writes. */
  public static final int LEDGER_CAPACITY = 256;

  /**
   * Counts {@code budget}.
   *
   * @param jobs every job of the budget's namespace, by uid
   * @param admitted what jobs just admitted under this budget hold, which their statuses may not show yet
   */
  public static BudgetCount of(GpuBudget budget, Map<String, BudgetedJob> jobs, Collection<Hold> admitted,
      Instant now) {
    GpuBudgetStatus status = budget.getStatus() == null ? new GpuBudgetStatus() : budget.getStatus();
    Instant created = Timestamps.parse(budget.getMetadata().getCreationTimestamp());
    Instant counted = Timestamps.parse(status.getPeriodStart());
    BudgetWindow window = BudgetWindow.current(budget.getSpec().effectivePeriod(), now,
        created == null ? now : created, counted);
    boolean newPeriod = counted != null && window.startsAfter(counted);
    boolean fresh = counted == null || newPeriod;
    BigDecimal spent = fresh ? BigDecimal.ZERO : Money.parseOrZero(status.getSpent());
    List<UserSpend> users = fresh || status.getUsers() == null ? List.of() : status.getUsers();
    String uid = budget.getMetadata().getUid();
    List<BudgetedJob> covered = jobs.values().stream().filter(job -> covers(budget, created, job)).toList();
    Settlement.Result settlement = Settlement.settle(uid, spent, users,
        status.getSettlements() == null ? List.of() : status.getSettlements(), covered, jobs, LEDGER_CAPACITY);
    List<Hold> holds = new ArrayList<>();
    for (BudgetedJob job : covered) {
      if (job.active()) {
        holds.add(Hold.of(job, now));
      }
    }
    for (Hold hold : admitted) {
      BudgetedJob job = jobs.get(hold.jobUid());
      if (job == null || !job.active()) {
        holds.add(hold);
      }
    }
    return new BudgetCount(window, newPeriod, settlement, BudgetUse.of(budget, window, settlement.spent(), holds));
  }

  /**
   * Whether {@code budget} covers {@code job}: the job carries the budget's {@code jobLabels}, and it did not end
   * before the budget was created (the cost of jobs that ended before it is not the budget's).
   */
  public static boolean covers(GpuBudget budget, Instant budgetCreated, BudgetedJob job) {
    boolean endedBefore = job.completed() != null && budgetCreated != null && job.completed().isBefore(budgetCreated);
    return !endedBefore && job.hasLabels(budget.getSpec().getJobLabels());
  }
}
