package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.BudgetPeriod;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * One period of a budget: from {@code start} (inclusive) to {@code end} (exclusive; null for a fixed total), in UTC.
 * Pure; {@code BudgetWindowTest} covers it with tables.
 *
 * @param start when the period began
 * @param end when the next begins, or null for period None
 * @param label the period in words, for messages: "in December 2025", "in the week of 2025-12-01", "on 2025-12-01",
 *     "in total"
 */
public record BudgetWindow(Instant start, Instant end, String label) {

  /**
   * The period of {@code period} that holds {@code now}; for {@link BudgetPeriod#None}, the one that began at
   * {@code created} (the budget's creation).
   */
  public static BudgetWindow containing(BudgetPeriod period, Instant now, Instant created) {
    LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
    return switch (period) {
      case Daily -> new BudgetWindow(midnight(day), midnight(day.plusDays(1)), "on " + day);
      case Weekly -> {
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        yield new BudgetWindow(midnight(monday), midnight(monday.plusWeeks(1)), "in the week of " + monday);
      }
      case Monthly -> {
        LocalDate first = day.withDayOfMonth(1);
        yield new BudgetWindow(midnight(first), midnight(first.plusMonths(1)), "in "
            + first.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + first.getYear());
      }
      case None -> new BudgetWindow(created, null, "in total");
    };
  }

  /**
   * The period to count in now, given the start of the one the status counts in ({@code counted}, null before the
   * first count): the current one, unless this process's clock is behind the one that wrote the status (a new
   * leader's), in which case the counted period stays: a count never goes back to an earlier period.
   */
  public static BudgetWindow current(BudgetPeriod period, Instant now, Instant created, Instant counted) {
    BudgetWindow current = containing(period, now, created);
    if (counted == null || period == BudgetPeriod.None || !current.start().isBefore(counted)) {
      return current;
    }
    return containing(period, counted, created);
  }

  /** Whether this window starts a new count after the one that started at {@code counted}. */
  public boolean startsAfter(Instant counted) {
    return counted == null || start.isAfter(counted);
  }

  private static Instant midnight(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
