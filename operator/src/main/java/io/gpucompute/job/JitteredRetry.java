package io.gpucompute.job;

import io.javaoperatorsdk.operator.processing.retry.Retry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * JOSDK's retry of a failed reconcile, with exponential backoff and "equal jitter" (JOSDK's own has none), without a
 * limit on attempts: a reconcile that keeps failing (a provider down for minutes) is tried again ever less often, and
 * the retries of many jobs do not march in step.
 */
public final class JitteredRetry implements Retry {

  private final JobTiming timing;

  /** With the delays of {@code timing}: {@link JobTiming#retryDelay}. */
  public JitteredRetry(JobTiming timing) {
    this.timing = timing;
  }

  @Override
  public RetryExecution initExecution() {
    return new RetryExecution() {
      private int attempts;

      @Override
      public Optional<Long> nextDelay() {
        attempts++;
        Duration delay = timing.retryDelay(attempts, ThreadLocalRandom.current().nextDouble());
        return Optional.of(delay.toMillis());
      }

      @Override
      public boolean isLastAttempt() {
        return false;
      }

      @Override
      public int getAttemptCount() {
        return attempts;
      }
    };
  }
}
