package io.gpucompute.provider;

import java.math.BigDecimal;

/**
 * An attempt on spot (interruptible) capacity, which the provider may take back at any time: a RunPod interruptible
 * pod, an Alibaba spot instance, a pod on a cluster's spot nodes.
 *
 * @param maxPricePerGpuHour the most the job pays per GPU-hour in USD (its bid where the provider takes one), or null
 *     to pay the market price
 */
public record SpotRequest(BigDecimal maxPricePerGpuHour) {

  /** Spot capacity at the market price. */
  public static final SpotRequest MARKET = new SpotRequest(null);
}
