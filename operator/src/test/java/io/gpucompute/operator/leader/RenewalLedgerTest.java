package io.gpucompute.operator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When a renewal counts from, for sequences of what the elector's client did. Times are seconds. */
class RenewalLedgerTest {

  /** One step: "read@t", "written@t" (while leading), "acquiredWrite@t" (write while not leading yet), "acquired@t". */
  static Stream<Arguments> sequences() {
    return Stream.of(
        Arguments.of("nothing yet", List.<String>of(), null),
        Arguments.of("acquire: the read just before counts, not the reads while waiting",
            List.of("read@0", "read@2", "read@4", "acquiredWrite@4.1", "acquired@4.1"), 4.0),
        Arguments.of("acquire reported before its write's answer", List.of("read@0", "read@6", "acquired@6.1",
            "written@6.2"), 6.0),
        Arguments.of("a renewal counts from its read", List.of("read@0", "acquiredWrite@0.1", "acquired@0.1",
            "read@2", "written@2.1"), 2.0),
        Arguments.of("after failed tries, a renewal counts from the first unanswered read",
            List.of("read@0", "acquiredWrite@0.1", "acquired@0.1", "read@2", "read@4", "read@6", "written@6.1"), 2.0),
        Arguments.of("failed reads since the last renewal do not move it", List.of("read@0", "acquiredWrite@0.1",
            "acquired@0.1", "read@2", "written@2.1", "read@4", "read@6"), 2.0),
        Arguments.of("each successful write starts afresh", List.of("read@0", "acquiredWrite@0.1", "acquired@0.1",
            "read@2", "read@4", "written@4.1", "read@6", "written@6.1"), 6.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void aRenewalCountsFromTheEarliestReadItConfirms(String description, List<String> steps, Double expected) {
    RenewalLedger ledger = new RenewalLedger();
    for (String step : steps) {
      String[] parts = step.split("@");
      Instant at = seconds(Double.parseDouble(parts[1]));
      switch (parts[0]) {
        case "read" -> ledger.read(at);
        case "written" -> ledger.written(true, at);
        case "acquiredWrite" -> ledger.written(false, at);
        case "acquired" -> ledger.acquired(at);
        default -> throw new IllegalArgumentException(step);
      }
    }
    assertThat(ledger.renewedAt()).isEqualTo(expected == null ? null : seconds(expected));
  }

  private static Instant seconds(double s) {
    return Instant.EPOCH.plusMillis(Math.round(s * 1000));
  }
}
