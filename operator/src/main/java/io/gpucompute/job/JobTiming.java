package io.gpucompute.job;

import java.time.Duration;

/**
 * The operator's timing knobs for jobs.
 *
 * @param pollInterval how often a workload's provider is polled while it holds work
 * @param queuedRecheck how often a queued job rechecks admission, besides the events that wake it
 * @param retryBase the first retry delay; each further failure doubles it
 * @param retryMax the longest retry delay
 * @param submitGrace how long a just-submitted workload may stay unknown to its provider before it counts as lost
 */
public record JobTiming(Duration pollInterval, Duration queuedRecheck, Duration retryBase, Duration retryMax,
    Duration submitGrace) {

  /** Defaults for production. */
  public static final JobTiming DEFAULT = new JobTiming(
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60));

  /**
   * How long a job skips the option (ProviderConfig, spot or not) that preempted it: ten queue rechecks (5 minutes
   * by default), long enough for a reclaimed spot pool to be worth trying again.
   */
  public Duration preemptionCooldown() {
    return queuedRecheck.multipliedBy(10);
  }

  /**
   * The delay before retry number {@code failures}: exponential from {@link #retryBase}, capped at
   * {@link #retryMax}, with "equal jitter" so retries of many jobs do not march in step.
   *
   * @param failures failures so far, from 1
   * @param jitter a uniform sample in [0, 1)
   */
  public Duration retryDelay(int failures, double jitter) {
    long exponent = Math.min(Math.max(failures - 1, 0), 30);
    long ceiling = Math.min(retryMax.toMillis(), retryBase.toMillis() * (1L << exponent));
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (jitter * (ceiling - half)));
  }
}
