package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.BudgetSettlement;
import io.gpucompute.api.v1alpha1.UserSpend;
import io.gpucompute.cost.Money;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the covered jobs' costs into one budget exactly once, across crashes, with two objects and no transaction.
 * Pure; {@code SettlementTest} covers it with tables.
 *
 * <p>What a budget has counted of a job is the larger of two records: the job's own ({@code status.budgets}, a
 * {@link BudgetCharge}) and the budget's ledger entry for it ({@link BudgetSettlement}). A settle raises both in this
 * order, each in one optimistic (resourceVersion-checked) write:
 * <ol>
 *   <li>the budget's status: {@code spent} plus the difference, and the ledger entry with the new total;</li>
 *   <li>the job's status: its record of the new total;</li>
 *   <li>the budget's status again: the ledger entry goes, once the job's record shows it (or the job is gone).</li>
 * </ol>
 * A crash before 1 counts nothing yet; between 1 and 2 or 2 and 3 the ledger entry already says what was counted, so
 * the next count adds nothing; a write that lost a race changes nothing and is made again from fresh reads.
 */
public final class Settlement {

  /**
   * The budget's count after settling.
   *
   * @param spent what the period's spent becomes
   * @param users the spend per person and provider
   * @param ledger the ledger, with the new entries and without the acknowledged ones
   * @param deferred how many jobs have cost to count that did not fit in the ledger ({@code capacity}); the next
   *     write counts them
   */
  public record Result(BigDecimal spent, List<UserSpend> users, List<BudgetSettlement> ledger, int deferred) {}

  private Settlement() {}

  /**
   * Settles the costs of {@code covered} into a budget.
   *
   * @param budgetUid the budget's uid (a job's records of other budgets do not count)
   * @param spent what the status says was spent in the period being counted
   * @param users the status's spend per person
   * @param ledger the status's ledger
   * @param covered the jobs the budget covers now
   * @param existing every job of the namespace, by uid: a ledger entry whose job is absent goes (the job is gone)
   * @param capacity the most entries the ledger may hold
   */
  public static Result settle(String budgetUid, BigDecimal spent, List<UserSpend> users,
      List<BudgetSettlement> ledger, Collection<BudgetedJob> covered, Map<String, BudgetedJob> existing,
      int capacity) {
    Map<String, BudgetSettlement> entries = new LinkedHashMap<>();
    for (BudgetSettlement entry : ledger) {
      BudgetedJob job = existing.get(entry.getJobUid());
      boolean acknowledged = job != null && job.chargedBy(budgetUid).compareTo(Money.parseOrZero(entry.getChargedTo())) >= 0;
      if (job != null && !acknowledged) {
        entries.put(entry.getJobUid(), copy(entry));
      }
    }
    BigDecimal total = spent;
    List<UserSpend> lines = users;
    int deferred = 0;
    for (BudgetedJob job : covered) {
      BigDecimal counted = counted(budgetUid, job, entries.get(job.uid()));
      BigDecimal due = job.chargeable().subtract(counted);
      if (due.signum() <= 0) {
        continue;
      }
      if (!entries.containsKey(job.uid()) && entries.size() >= capacity) {
        deferred++;
        continue;
      }
      total = total.add(due);
      lines = TopSpenders.add(lines, job.user(), job.provider(), due);
      entries.put(job.uid(), new BudgetSettlement(job.uid(), job.name(), job.attempts(),
          Money.formatTotal(job.chargeable())));
    }
    return new Result(total, lines, List.copyOf(entries.values()), deferred);
  }

  /**
   * What a budget has counted of {@code job}: the larger of the job's record and the ledger's entry.
   *
   * @param entry the budget's ledger entry for the job, or null
   */
  public static BigDecimal counted(String budgetUid, BudgetedJob job, BudgetSettlement entry) {
    BigDecimal byJob = job.chargedBy(budgetUid);
    BigDecimal byLedger = entry == null ? BigDecimal.ZERO : Money.parseOrZero(entry.getChargedTo());
    return byJob.max(byLedger);
  }

  /** Whether the budget has counted all that {@code job} can be charged. */
  public static boolean isSettled(String budgetUid, BudgetedJob job, List<BudgetSettlement> ledger) {
    return job.chargeable().compareTo(counted(budgetUid, job, entry(ledger, job.uid()).orElse(null))) <= 0;
  }

  /** The ledger's entry for the job of uid {@code jobUid}. */
  public static Optional<BudgetSettlement> entry(List<BudgetSettlement> ledger, String jobUid) {
    return ledger == null ? Optional.empty()
        : ledger.stream().filter(e -> jobUid.equals(e.getJobUid())).findFirst();
  }

  /**
   * The records the jobs of the ledger must get, by job uid: each entry's total, for the jobs that exist, are not
   * being deleted (they go without one; their entry goes when they are gone) and do not show it yet.
   *
   * @param budget the budget's name
   * @param period the start of the period being counted, for the record
   */
  public static Map<String, BudgetCharge> marksToWrite(String budget, String budgetUid, List<BudgetSettlement> ledger,
      Map<String, BudgetedJob> existing, Instant period) {
    Map<String, BudgetCharge> marks = new LinkedHashMap<>();
    for (BudgetSettlement entry : ledger) {
      BudgetedJob job = existing.get(entry.getJobUid());
      if (job != null && !job.deleting() && job.chargedBy(budgetUid).compareTo(Money.parseOrZero(entry.getChargedTo())) < 0) {
        marks.put(job.uid(), new BudgetCharge(budget, budgetUid, entry.getChargedTo(), Timestamps.format(period)));
      }
    }
    return marks;
  }

  /**
   * A job's records with {@code mark} in place of the earlier record of the same budget, and without the records of
   * budgets that no longer exist ({@code budgetExists} false), so they never pile up.
   */
  public static List<BudgetCharge> withMark(List<BudgetCharge> charges, BudgetCharge mark,
      java.util.function.Predicate<String> budgetExists) {
    List<BudgetCharge> result = new ArrayList<>();
    for (BudgetCharge charge : charges == null ? List.<BudgetCharge>of() : charges) {
      if (!charge.getBudgetUid().equals(mark.getBudgetUid()) && budgetExists.test(charge.getBudgetUid())) {
        result.add(charge);
      }
    }
    result.add(mark);
    return result;
  }

  private static BudgetSettlement copy(BudgetSettlement entry) {
    return new BudgetSettlement(entry.getJobUid(), entry.getJob(), entry.getAttempts(), entry.getChargedTo());
  }
}
