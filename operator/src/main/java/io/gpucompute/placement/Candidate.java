package io.gpucompute.placement;

import java.math.BigDecimal;

/**
 * One ProviderConfig a job may go to, as the caches show it now.
 *
 * @param name the ProviderConfig's name
 * @param uid its uid
 * @param label {@code <type>/<name>}
 * @param rank its place among the candidates the job lists (0 first); by name for candidates a selector found
 * @param blockedReason why the job cannot use it now (not ready, namespace not allowed, being deleted...), or null
 * @param blockedMessage what that reason means here, or null
 * @param offersType whether it offers the job's GPU type (with enough memory per GPU)
 * @param onDemandPrice USD per GPU-hour on demand, or null when unknown
 * @param spotPrice USD per GPU-hour on spot capacity, or null when it has no spot capacity for the type
 * @param spotCapable whether it can run the job on spot capacity at all
 * @param onDemandSkip why on-demand submits to it are skipped for a while (a stock-out), or null
 * @param spotSkip why spot submits to it are skipped for a while (a stock-out or a preemption), or null
 */
public record Candidate(String name, String uid, String label, int rank, String blockedReason, String blockedMessage,
    boolean offersType, BigDecimal onDemandPrice, BigDecimal spotPrice, boolean spotCapable, Skip onDemandSkip,
    Skip spotSkip) {

  /** Whether the candidate is blocked (not ready, not allowed, being deleted...). */
  public boolean blocked() {
    return blockedReason != null;
  }
}
