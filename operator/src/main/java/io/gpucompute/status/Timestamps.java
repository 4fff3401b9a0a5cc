package io.gpucompute.status;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as Kubernetes writes them: UTC, whole seconds. */
public final class Timestamps {

  private Timestamps() {}

  /** {@code instant} as an RFC 3339 string, truncated to seconds; null stays null. */
  public static String format(Instant instant) {
    return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * The instant of an RFC 3339 string; null or blank gives null. The form Kubernetes writes
   * ({@code 2026-01-01T00:00:00Z}) is read directly: the admission queue reads the creation time of every waiting job
   * each time it plans, and a general parse of it cost more than the rest of the plan.
   */
  public static Instant parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Instant plain = plainUtcSeconds(value);
    return plain != null ? plain : Instant.parse(value);
  }

  /** {@code yyyy-MM-ddTHH:mm:ssZ}, or null for any other form (and for a date that does not exist). */
  private static Instant plainUtcSeconds(String s) {
    if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The number of the decimal digits {@code s[from, to)}, or -1 when one is not a digit. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
