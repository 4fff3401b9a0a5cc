package io.gpucompute.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Scrubber masks every value SecretValues holds, in each form it shows up in, and bounds untrusted text. */
class ScrubberTest {

  /** Unique per run: SecretValues is process-wide, so other tests' values never collide with these. */
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);
  private static final String KEY = "key-" + ID + "-s3cr3t";
  private static final String SHORT = "x" + ID.substring(0, 1);
  private static final String QUOTED = "pa\"ss\\" + ID;
  private static final String LONGER = KEY + "-and-more";

  static {
    SecretValues.remember(List.of(KEY, SHORT, QUOTED, LONGER));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a value alone                 | KEY                       | ***
      a value inside a message      | apiKey=KEY; retry         | apiKey=***; retry
      a value twice                 | KEY and KEY               | *** and ***
      the longer of two overlapping | x LONGER y                | x *** y
      no secret                     | nothing to hide here      | nothing to hide here
      a value too short to mask     | code SHORT                | code SHORT
      """)
  void scrubsEveryRememberedValue(String what, String text, String expected) {
    assertThat(Scrubber.scrub(text.replace("LONGER", LONGER).replace("KEY", KEY).replace("SHORT", SHORT)))
        .isEqualTo(expected.replace("SHORT", SHORT));
  }

  @Test
  void masksTheJsonEscapedAndBase64FormsToo() {
    String json = "{\"value\":\"" + QUOTED.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    String base64 = Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));

    assertThat(Scrubber.scrub(json)).isEqualTo("{\"value\":\"***\"}");
    assertThat(Scrubber.scrub("data: " + base64)).isEqualTo("data: ***");
    assertThat(Scrubber.scrub("raw " + QUOTED)).isEqualTo("raw ***");
  }

  @Test
  void nullStaysNullAndContainsSecretFindsWhatScrubWouldMask() {
    assertThat(Scrubber.scrub(null)).isNull();
    assertThat(Scrubber.untrusted(null)).isNull();
    assertThat(Scrubber.containsSecret("Bearer " + KEY)).isTrue();
    assertThat(Scrubber.containsSecret(SHORT)).as("too short to mask").isFalse();
    assertThat(Scrubber.containsSecret("nothing")).isFalse();
    assertThat(Scrubber.containsSecret(null)).isFalse();
  }

  @Test
  void untrustedTextIsScrubbedBeforeItIsCutSoNoStartOfASecretRemains() {
    String text = "x".repeat(20) + KEY + " tail";

    String bounded = Scrubber.untrusted(text, 24);

    assertThat(bounded).hasSize(24).isEqualTo("x".repeat(20) + "*" + Scrubber.CUT);
    assertThat(bounded).doesNotContain(KEY.substring(0, 4));
  }

  @Test
  void untrustedTextWithinTheBoundIsKeptWhole() {
    assertThat(Scrubber.untrusted("short text", 100)).isEqualTo("short text");
    assertThat(Scrubber.untrusted("y".repeat(Scrubber.MAX_UNTRUSTED + 50))).hasSize(Scrubber.MAX_UNTRUSTED)
        .endsWith(Scrubber.CUT);
  }

  @Test
  void aTailKeepsTheEndAndNoEndOfASecret() {
    String text = "head " + KEY + "y".repeat(10);

    String tail = Scrubber.untrustedTail(text, 16);

    assertThat(tail).hasSize(16).isEqualTo(Scrubber.CUT + "***" + "y".repeat(10));
    assertThat(Scrubber.untrustedTail("short", 16)).isEqualTo("short");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String text = "ab" + "\uD83D\uDE00".repeat(10);

    String bounded = Scrubber.untrusted(text, 6);

    assertThat(Character.isHighSurrogate(bounded.charAt(bounded.length() - Scrubber.CUT.length() - 1))).isFalse();
  }
}
