package io.gpucompute.budget;

import io.fabric8.kubernetes.api.model.Condition;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuBudgetStatus;
import io.gpucompute.api.v1alpha1.GpuUsage;
import io.gpucompute.cost.Money;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The status a budget's count makes: figures, GPUs, spend per person, ledger and conditions. Pure. */
public final class BudgetStatuses {

  /** The most GPU types the status lists (the CRD's limit). */
  static final int GPU_TYPES = 64;
  /** The longest status.message written (the CRD allows 4096); a longer account ends with "...". */
  static final int MESSAGE_LENGTH = 1024;

  private BudgetStatuses() {}

  /** The status of {@code budget} for {@code count}; conditions keep their transition times where they did not flip. */
  public static GpuBudgetStatus of(GpuBudget budget, BudgetCount count, Instant now) {
    BudgetUse use = count.use();
    Settlement.Result settlement = count.settlement();
    GpuBudgetStatus status = new GpuBudgetStatus();
    Long generation = budget.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    status.setPeriodStart(Timestamps.format(count.window().start()));
    status.setPeriodEnd(Timestamps.format(count.window().end()));
    status.setSpent(Money.formatTotal(use.spent()));
    status.setCommitted(Money.formatCost(use.committed()));
    status.setReserved(Money.formatCost(use.reserved()));
    status.setRemaining(Money.formatCost(use.remaining()));
    status.setGpusInUse(gpus(use));
    status.setUsers(settlement.users());
    status.setSettlements(settlement.ledger());
    String message = message(use);
    status.setMessage(message);
    List<Condition> conditions = budget.getStatus() == null ? List.of() : budget.getStatus().getConditions();
    boolean settling = settlement.deferred() > 0;
    conditions = Conditions.with(conditions, BudgetCondition.READY, !settling,
        settling ? BudgetReason.SETTLING : BudgetReason.COUNTED,
        settling ? settlement.deferred() + " ended job(s) wait to be counted in the next status write: " + message
            : message, generation, now);
    conditions = Conditions.with(conditions, BudgetCondition.WARNING, use.nearLimit(),
        use.nearLimit() ? BudgetReason.NEAR_LIMIT : BudgetReason.BELOW_WARNING,
        BudgetVerdicts.usd(use.used()) + " of " + BudgetVerdicts.usd(use.limit()) + " USD used "
            + use.window().label() + " (the warning is at " + percent(BudgetUse.WARNING_SHARE) + ")", generation, now);
    conditions = Conditions.with(conditions, BudgetCondition.EXCEEDED, use.exceeded(),
        use.exceeded() ? BudgetReason.LIMIT_REACHED : BudgetReason.WITHIN_LIMIT,
        BudgetVerdicts.usd(use.used()) + " of " + BudgetVerdicts.usd(use.limit()) + " USD used "
            + use.window().label() + (use.exceeded() ? (use.stopsRunning()
            ? "; new jobs wait and running jobs are stopped" : "; new jobs wait") : ""), generation, now);
    status.setConditions(conditions);
    return status;
  }

  /** "498.20 of 500.00 USD spent in December 2025; running jobs: 1.20 so far, up to 3.00 more; A100: 2 of 2". */
  static String message(BudgetUse use) {
    StringBuilder text = new StringBuilder(BudgetVerdicts.usd(use.spent()) + " of " + BudgetVerdicts.usd(use.limit())
        + " USD spent " + use.window().label());
    if (use.committed().signum() != 0 || use.reserved().signum() != 0) {
      text.append("; running jobs: ").append(BudgetVerdicts.usd(use.committed())).append(" so far, up to ")
          .append(BudgetVerdicts.usd(use.reserved())).append(" more");
    }
    for (GpuUsage gpu : gpus(use)) {
      text.append("; ").append(gpu.getGpuType()).append(": ").append(gpu.getInUse())
          .append(gpu.getLimit() == null ? " in use" : " of " + gpu.getLimit());
    }
    return text.length() > MESSAGE_LENGTH ? text.substring(0, MESSAGE_LENGTH - 3) + "..." : text.toString();
  }

  /** The GPU types in use or limited, by name. */
  private static List<GpuUsage> gpus(BudgetUse use) {
    Map<String, GpuUsage> byType = new TreeMap<>();
    use.gpuLimits().forEach((type, limit) -> byType.put(type, new GpuUsage(type, 0, limit)));
    use.gpusInUse().forEach((type, count) -> byType.merge(type, new GpuUsage(type, count, null),
        (limited, used) -> new GpuUsage(type, count, limited.getLimit())));
    List<GpuUsage> list = new ArrayList<>(byType.values());
    return list.size() > GPU_TYPES ? list.subList(0, GPU_TYPES) : list;
  }

  private static String percent(java.math.BigDecimal share) {
    return share.movePointRight(2).stripTrailingZeros().toPlainString() + " %";
  }
}
