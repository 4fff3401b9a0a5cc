package io.gpucompute.budget;

import io.gpucompute.cost.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The most a job can still cost, which a budget holds for it. Pure.
 *
 * <p>A deadline ({@code spec.activeDeadlineSeconds}) counts from the job's first start across its retries, so the
 * job can cost at most its price per hour for the time left to it (in whole minutes, rounded up). A job without a deadline has no bound: a budget
 * holds one hour of it, again and again while it runs ({@link #UNBOUNDED_HOLD}).
 */
public final class CostBounds {

  /** What a budget holds for a job without a deadline: this long at its price. */
  public static final Duration UNBOUNDED_HOLD = Duration.ofHours(1);
  private static final long MINUTE_MILLIS = 60_000;

  private CostBounds() {}

  /**
   * What a job at {@code pricePerHour} may still cost from {@code now}.
   *
   * @param deadlineSeconds its spec.activeDeadlineSeconds, or null
   * @param startTime when its first attempt started (null before it started: all of its deadline is left)
   */
  public static BigDecimal leftToSpend(BigDecimal pricePerHour, Long deadlineSeconds, Instant startTime, Instant now) {
    if (pricePerHour == null) {
      return BigDecimal.ZERO;
    }
    return Money.costOf(pricePerHour, timeLeft(deadlineSeconds, startTime, now));
  }

  /**
   * The time a job may still run: to its deadline, rounded up to whole minutes (so that what a budget holds changes
   * once a minute, as a running job's accrued cost does), or {@link #UNBOUNDED_HOLD} without a deadline.
   */
  static Duration timeLeft(Long deadlineSeconds, Instant startTime, Instant now) {
    if (deadlineSeconds == null) {
      return UNBOUNDED_HOLD;
    }
    Instant start = startTime == null ? now : startTime;
    Duration left = Duration.between(now, start.plusSeconds(deadlineSeconds));
    if (left.isNegative() || left.isZero()) {
      return Duration.ZERO;
    }
    long minutes = (left.toMillis() + MINUTE_MILLIS - 1) / MINUTE_MILLIS;
    return Duration.ofMinutes(minutes);
  }
}
