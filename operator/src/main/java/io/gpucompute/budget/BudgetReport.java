package io.gpucompute.budget;

import java.math.BigDecimal;
import java.util.List;

/**
 * One budget's figures for the metrics, read from what is stored in etcd (the budget's status and its jobs'), so an
 * operator that restarts reports the same.
 *
 * @param namespace the budget's namespace
 * @param budget its name
 * @param limit its limit in USD
 * @param used spent plus committed in the current period
 * @param remaining what new jobs may still take
 * @param spend spent plus running per person and provider
 */
public record BudgetReport(String namespace, String budget, BigDecimal limit, BigDecimal used, BigDecimal remaining,
    List<Spend> spend) {

  /** What {@code user} spent (settled and running) on {@code provider} in the period. */
  public record Spend(String user, String provider, BigDecimal usd) {}
}
