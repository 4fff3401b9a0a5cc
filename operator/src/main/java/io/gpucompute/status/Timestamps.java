package io.gpucompute.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as Kubernetes writes them: UTC, whole seconds. */
public final class Timestamps {

  private Timestamps() {}

  /** {@code instant} as an RFC 3339 string, truncated to seconds; null stays null. */
  public static String format(Instant instant) {
    return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The instant of an RFC 3339 string; null or blank gives null. */
  public static Instant parse(String value) {
    return value == null || value.isBlank() ? null : Instant.parse(value);
  }
}
