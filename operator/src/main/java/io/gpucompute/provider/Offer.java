package io.gpucompute.provider;

import java.math.BigDecimal;

/**
 * One GPU type a provider offers.
 *
 * @param gpuType the type token, as in a job's {@code spec.gpu.type}
 * @param providerName the provider's own name for it
 * @param count how many exist, for a fixed inventory; null when on demand
 * @param memoryGiB memory per GPU in GiB, when known
 * @param pricePerHour USD per GPU-hour from the provider's catalogue, or null when it has none
 */
public record Offer(String gpuType, String providerName, Integer count, Integer memoryGiB, BigDecimal pricePerHour) {}
