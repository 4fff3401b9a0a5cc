package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuLimit;
import io.gpucompute.cost.Money;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How much of one budget is used at one moment: the figures its status shows and admission decides from. Pure.
 *
 * @param name the budget's name
 * @param limit its limit in USD
 * @param window the period being counted
 * @param spent what finished attempts cost in the period (settled, and due to be)
 * @param committed what running attempts accrued
 * @param reserved what running attempts may still cost
 * @param gpusInUse GPUs held now by type, the type's upper-case name as key
 * @param gpuLimits the budget's GPU limits by upper-case type
 * @param stopsRunning whether its spec.onExceeded is StopRunning
 */
public record BudgetUse(String name, BigDecimal limit, BudgetWindow window, BigDecimal spent, BigDecimal committed,
    BigDecimal reserved, Map<String, Integer> gpusInUse, Map<String, Integer> gpuLimits, boolean stopsRunning) {

  /** The share of the limit at which the Warning condition turns True. */
  public static final BigDecimal WARNING_SHARE = new BigDecimal("0.8");

  /** The use of {@code budget}, given its spent in {@code window} and what its running jobs hold. */
  public static BudgetUse of(GpuBudget budget, BudgetWindow window, BigDecimal spent, Collection<Hold> holds) {
    BigDecimal committed = BigDecimal.ZERO;
    BigDecimal reserved = BigDecimal.ZERO;
    Map<String, Integer> gpus = new LinkedHashMap<>();
    for (Hold hold : holds) {
      committed = committed.add(hold.running());
      reserved = reserved.add(hold.reserved());
      gpus.merge(key(hold.gpuType()), hold.gpuCount(), Integer::sum);
    }
    Map<String, Integer> limits = new LinkedHashMap<>();
    for (GpuLimit limit : budget.getSpec().getGpuLimits() == null ? java.util.List.<GpuLimit>of()
        : budget.getSpec().getGpuLimits()) {
      limits.merge(key(limit.getGpuType()), limit.getCount(), Math::min);
    }
    return new BudgetUse(budget.getMetadata().getName(), Money.parse(budget.getSpec().getLimit()), window, spent,
        committed, reserved, gpus, limits,
        budget.getSpec().effectiveOnExceeded() == io.gpucompute.api.v1alpha1.BudgetEnforcement.StopRunning);
  }

  /** What counts against the limit: spent plus committed. */
  public BigDecimal used() {
    return spent.add(committed);
  }

  /** What new jobs may still take: limit - spent - committed - reserved (negative when overspent). */
  public BigDecimal remaining() {
    return limit.subtract(used()).subtract(reserved);
  }

  /** Whether the limit is reached. */
  public boolean exceeded() {
    return used().compareTo(limit) >= 0;
  }

  /** Whether {@link #WARNING_SHARE} of the limit or more is used. */
  public boolean nearLimit() {
    return used().compareTo(limit.multiply(WARNING_SHARE)) >= 0;
  }

  /** GPUs of {@code type} held now. */
  public int gpusInUse(String type) {
    return gpusInUse.getOrDefault(key(type), 0);
  }

  /** The limit of GPUs of {@code type}, or null when the type is not limited. */
  public Integer gpuLimit(String type) {
    return gpuLimits.get(key(type));
  }

  /** GPU types compare without regard to case, as the admission queue compares them. */
  static String key(String type) {
    return type.toUpperCase(Locale.ROOT);
  }
}
