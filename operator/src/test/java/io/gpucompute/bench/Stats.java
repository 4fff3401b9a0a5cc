package io.gpucompute.bench;

import java.util.Collection;

/** Percentiles of a sample (nearest rank). */
final class Stats {

  private Stats() {}

  /** The {@code p}-th percentile (0-100) of {@code values}, nearest rank; NaN when there are none. */
  static double percentile(Collection<? extends Number> values, double p) {
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double max(Collection<? extends Number> values) {
    return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
  }

  /** Seconds from milliseconds, for printing. */
  static String seconds(double millis) {
    return String.format("%.2f s", millis / 1000.0);
  }
}
