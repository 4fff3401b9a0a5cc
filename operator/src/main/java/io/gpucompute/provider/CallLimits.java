package io.gpucompute.provider;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.RateLimit;

/**
 * How fast, and how many at once, the operator may call one ProviderConfig's provider: its spec.rateLimit, with
 * defaults by type. Pure.
 *
 * @param requestsPerSecond the sustained rate, or 0 for no limit
 * @param burst how many calls may go at once above the rate
 * @param maxInFlight how many calls may be in flight at once
 */
public record CallLimits(int requestsPerSecond, int burst, int maxInFlight) {

  /** The limits of a ProviderConfig's spec. */
  public static CallLimits of(ProviderConfigSpec spec) {
    RateLimit limit = spec.getRateLimit() == null ? new RateLimit() : spec.getRateLimit();
    ProviderType type = spec.getType();
    boolean local = type == ProviderType.Local;
    boolean cluster = type == ProviderType.Kubernetes;
    int rate = limit.getRequestsPerSecond() != null ? limit.getRequestsPerSecond() : local ? 0 : cluster ? 50 : 10;
    int burst = limit.getBurst() != null ? limit.getBurst() : Math.max(1, rate * 2);
    int inFlight = limit.getMaxInFlight() != null ? limit.getMaxInFlight() : local || cluster ? 32 : 8;
    return new CallLimits(rate, burst, inFlight);
  }

  /** Whether the rate is limited at all. */
  public boolean limited() {
    return requestsPerSecond > 0;
  }
}
