package io.gpucompute.job;

import java.time.Duration;

/** The timings every operator that a test starts runs with (mock server, real API server, benchmarks). */
public final class TestTimings {

  /**
   * Polls every 0.5 s, rechecks the queue every 2 s, retries after 0.5 s (doubling up to 2 s), and lets a submitted
   * workload stay unknown to its provider for 10 s. {@code OperatorProcess.fastEnvironment} gives an operator process
   * the same, through its environment.
   */
  public static final JobTiming FAST = new JobTiming(Duration.ofMillis(500), Duration.ofSeconds(2),
      Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10));

  private TestTimings() {}
}
