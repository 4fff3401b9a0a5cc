package io.gpucompute.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a budget holds for a job: its price for the time left to its deadline, or an hour without one. */
class CostBoundsTest {

  private static final Instant NOW = Instant.parse("2025-12-15T12:00:00Z");

  static Stream<Arguments> bounds() {
    return Stream.of(
        // price, deadline (s), started (s before now), expected USD
        Arguments.of("1.20", 3600L, null, "1.20"),                 // not started: the whole deadline
        Arguments.of("1.20", 3600L, 1800L, "0.60"),                // half of it left
        Arguments.of("1.20", 3600L, 1799L, "0.62"),                // 30 min 1 s left: 31 whole minutes
        Arguments.of("1.20", 3600L, 3600L, "0.00"),                // deadline reached
        Arguments.of("1.20", 3600L, 7200L, "0.00"),                // past it
        Arguments.of("2.50", null, null, "2.50"),                  // no deadline: one hour
        Arguments.of("2.50", null, 90_000L, "2.50"),               // still one hour after a day of running
        Arguments.of(null, 3600L, null, "0.00"));                  // no price: nothing to hold
  }

  @ParameterizedTest
  @MethodSource("bounds")
  void aJobMayStillCostItsPriceForTheTimeLeftToItsDeadline(String price, Long deadline, Long startedAgo,
      String expected) {
    BigDecimal left = CostBounds.leftToSpend(price == null ? null : new BigDecimal(price), deadline,
        startedAgo == null ? null : NOW.minusSeconds(startedAgo), NOW);

    assertThat(BudgetVerdicts.usd(left)).isEqualTo(expected);
  }
}
