package io.gpucompute.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.BudgetPeriod;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Budget periods are calendar periods in UTC; a count never goes back to an earlier period. */
class BudgetWindowTest {

  private static final Instant CREATED = Instant.parse("2025-11-20T10:11:12Z");

  static Stream<Arguments> periods() {
    return Stream.of(
        // period, now, start, end, label
        Arguments.of(BudgetPeriod.Monthly, "2025-12-15T12:00:00Z", "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z",
            "in December 2025"),
        Arguments.of(BudgetPeriod.Monthly, "2025-12-31T23:59:59Z", "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z",
            "in December 2025"),
        Arguments.of(BudgetPeriod.Monthly, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z",
            "in January 2026"),
        Arguments.of(BudgetPeriod.Monthly, "2024-02-29T23:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z",
            "in February 2024"),
        // A week starts on Monday, also when it spans two years.
        Arguments.of(BudgetPeriod.Weekly, "2026-01-01T09:00:00Z", "2025-12-29T00:00:00Z", "2026-01-05T00:00:00Z",
            "in the week of 2025-12-29"),
        Arguments.of(BudgetPeriod.Weekly, "2025-12-29T00:00:00Z", "2025-12-29T00:00:00Z", "2026-01-05T00:00:00Z",
            "in the week of 2025-12-29"),
        Arguments.of(BudgetPeriod.Weekly, "2025-12-28T23:59:59Z", "2025-12-22T00:00:00Z", "2025-12-29T00:00:00Z",
            "in the week of 2025-12-22"),
        Arguments.of(BudgetPeriod.Daily, "2025-12-15T00:00:00Z", "2025-12-15T00:00:00Z", "2025-12-16T00:00:00Z",
            "on 2025-12-15"),
        Arguments.of(BudgetPeriod.Daily, "2025-12-15T23:59:59.999Z", "2025-12-15T00:00:00Z", "2025-12-16T00:00:00Z",
            "on 2025-12-15"),
        // A fixed total counts from the budget's creation and never ends.
        Arguments.of(BudgetPeriod.None, "2030-06-01T00:00:00Z", "2025-11-20T10:11:12Z", null, "in total"));
  }

  @ParameterizedTest
  @MethodSource("periods")
  void thePeriodThatHoldsNowIsACalendarPeriodInUtc(BudgetPeriod period, String now, String start, String end,
      String label) {
    BudgetWindow window = BudgetWindow.containing(period, Instant.parse(now), CREATED);

    assertThat(window.start()).isEqualTo(Instant.parse(start));
    assertThat(window.end()).isEqualTo(end == null ? null : Instant.parse(end));
    assertThat(window.label()).isEqualTo(label);
  }

  @Test
  void aNewPeriodStartsANewCountOnlyWhenItBeginsAfterTheCountedOne() {
    Instant december = Instant.parse("2025-12-01T00:00:00Z");
    BudgetWindow january = BudgetWindow.current(BudgetPeriod.Monthly, Instant.parse("2026-01-01T00:00:01Z"), CREATED,
        december);

    assertThat(january.startsAfter(december)).isTrue();
    assertThat(BudgetWindow.current(BudgetPeriod.Monthly, Instant.parse("2025-12-31T23:00:00Z"), CREATED, december)
        .startsAfter(december)).isFalse();
    assertThat(january.startsAfter(null)).as("the first count").isTrue();
  }

  @Test
  void aClockBehindTheOneThatWroteTheStatusKeepsTheCountedPeriod() {
    Instant january = Instant.parse("2026-01-01T00:00:00Z");
    // A new leader whose clock says 23:59:58 on December 31st, after the old one counted into January.
    BudgetWindow window = BudgetWindow.current(BudgetPeriod.Monthly, Instant.parse("2025-12-31T23:59:58Z"), CREATED,
        january);

    assertThat(window.start()).isEqualTo(january);
    assertThat(window.startsAfter(january)).isFalse();
  }
}
