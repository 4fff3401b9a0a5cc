package io.gpucompute.provider;

import java.math.BigDecimal;

/**
 * One GPU type a provider offers.
 *
 * @param gpuType the type token, as in a job's {@code spec.gpu.type}
 * @param providerName the provider's own name for it
 * @param count how many exist, for a fixed inventory; null when on demand
 * @param memoryGiB memory per GPU in GiB, when known
 * @param pricePerHour per GPU-hour on demand from the provider's catalogue, in {@code currency}; null when it has none
 * @param spotPricePerHour per GPU-hour on spot capacity, in {@code currency}; null when it has no spot capacity (or no
 *     price for it)
 * @param currency the ISO 4217 code of the prices; null for USD
 */
public record Offer(String gpuType, String providerName, Integer count, Integer memoryGiB, BigDecimal pricePerHour,
    BigDecimal spotPricePerHour, String currency) {

  /** An offer in USD without spot capacity. */
  public Offer(String gpuType, String providerName, Integer count, Integer memoryGiB, BigDecimal pricePerHour) {
    this(gpuType, providerName, count, memoryGiB, pricePerHour, null, null);
  }

  /** Whether the prices are in USD. */
  public boolean inUsd() {
    return currency == null || "USD".equalsIgnoreCase(currency);
  }
}
