package io.gpucompute.placement;

import java.math.BigDecimal;

/**
 * One way to run the job's next attempt: a ProviderConfig, on spot capacity or not, at a price.
 *
 * @param candidate the ProviderConfig
 * @param spot whether on spot capacity
 * @param pricePerHour the job's price per hour in USD (per-GPU price times the GPU count), or null when unknown
 */
public record Option(Candidate candidate, boolean spot, BigDecimal pricePerHour) {

  /** {@code <type>/<name>}, with {@code (spot)} for spot capacity. */
  public String label() {
    return candidate.label() + (spot ? " (spot)" : "");
  }
}
