package io.gpucompute.operator;

import java.time.Duration;

/**
 * How much the operator does at once, and how long it keeps what it fetched (docs/performance.md explains the
 * defaults).
 *
 * @param reconcileThreads reconciles that may run at once, over all kinds: a reconcile mostly waits for the API
 *     server or a provider, so more threads than cores keep both busy
 * @param offersTtl how long a ProviderConfig's catalogue of offers (GPU types and prices) is used before the provider
 *     is asked again; a change of its spec or a price-related error refreshes it sooner
 */
public record ScaleSettings(int reconcileThreads, Duration offersTtl) {

  /** 100 reconcile threads; offers kept for 5 minutes. */
  public static final ScaleSettings DEFAULT = new ScaleSettings(100, Duration.ofMinutes(5));

  public ScaleSettings {
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException("GPUCOMPUTE_RECONCILE_THREADS must be at least 1, was " + reconcileThreads);
    }
    if (offersTtl.isNegative()) {
      throw new IllegalArgumentException("GPUCOMPUTE_OFFERS_TTL_SECONDS must not be negative, was " + offersTtl);
    }
  }
}
