package io.gpucompute.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2026-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2024-02-29T12:30:45Z",
      "2026-06-01T10:01:02.123Z", "2026-06-01T10:01:02+02:00", "2026-06-01T10:01:02.5Z"})
  void readsWhatInstantParseReads(String text) {
    assertThat(Timestamps.parse(text)).isEqualTo(java.time.OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z",
      "2026-01-01X00:00:00Z", "2026-0a-01T00:00:00Z"})
  void refusesWhatIsNoTime(String text) {
    assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeParseException.class);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(value = {"''", "'  '"})
  void blankIsNull(String text) {
    assertThat(Timestamps.parse(text)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.999Z"})
  void formatsToWholeSeconds(String text) {
    assertThat(Timestamps.format(Instant.parse(text))).isEqualTo("2026-01-01T00:00:00Z");
  }
}
