package io.gpucompute.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * USD amounts as the API writes them: decimal strings, never floating point.
 * Costs keep six decimal places, so a second on a cheap GPU still shows.
 */
public final class Money {

  /** Decimal places of costs in status. */
  public static final int COST_SCALE = 6;
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  private Money() {}

  /** Parses a decimal string such as {@code "2.50"}; null or blank gives null. */
  public static BigDecimal parse(String value) {
    return value == null || value.isBlank() ? null : new BigDecimal(value.trim());
  }

  /** Parses a decimal string such as {@code "2.50"}; null or blank gives zero. */
  public static BigDecimal parseOrZero(String value) {
    BigDecimal parsed = parse(value);
    return parsed == null ? BigDecimal.ZERO : parsed;
  }

  /** Formats an amount without an exponent; null gives null. */
  public static String format(BigDecimal amount) {
    return amount == null ? null : amount.stripTrailingZeros().toPlainString();
  }

  /** Formats a cost with {@link #COST_SCALE} decimals; null gives null. */
  public static String formatCost(BigDecimal cost) {
    return cost == null ? null : cost.setScale(COST_SCALE, RoundingMode.HALF_UP).toPlainString();
  }

  /**
   * Formats a running total that later amounts are added to, with {@link #COST_SCALE} + 4 decimals, so sums of
   * many rounded parts do not drift.
   */
  public static String formatTotal(BigDecimal total) {
    return total == null ? null : total.setScale(COST_SCALE + 4, RoundingMode.HALF_UP).toPlainString();
  }

  /** What {@code duration} costs at {@code pricePerHour}; negative durations cost nothing. */
  public static BigDecimal costOf(BigDecimal pricePerHour, Duration duration) {
    if (duration.isNegative()) {
      return BigDecimal.ZERO;
    }
    BigDecimal seconds = BigDecimal.valueOf(duration.toMillis()).movePointLeft(3);
    return pricePerHour.multiply(seconds).divide(SECONDS_PER_HOUR, COST_SCALE + 4, RoundingMode.HALF_UP);
  }
}
