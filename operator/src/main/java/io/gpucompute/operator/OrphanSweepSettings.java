package io.gpucompute.operator;

import java.time.Duration;

/**
 * How the periodic orphan sweep of each ProviderConfig runs.
 *
 * @param interval how often each ProviderConfig lists what this installation created at its provider
 * @param grace how old a workload without a GpuJob must be before the sweep touches it
 */
public record OrphanSweepSettings(Duration interval, Duration grace) {

  /** Every 5 minutes, for workloads older than 10 minutes. */
  public static final OrphanSweepSettings DEFAULT = new OrphanSweepSettings(Duration.ofMinutes(5),
      Duration.ofMinutes(10));
}
