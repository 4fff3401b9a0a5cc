package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogTailTest {

  @TempDir Path temp;

  @ParameterizedTest(name = "[{index}] {2}")
  @CsvSource(delimiter = '|', textBlock = """
      a\\nb\\nc\\n   | a\\nb\\nc | a whole short file, without its last newline
      a\\nb\\nc      | a\\nb\\nc | no newline at the end
      ''             | ''       | nothing printed
      \\n            | ''       | one empty line
      a\\n\\nb\\n    | a\\n\\nb | empty lines are kept
      """)
  void keepsShortOutputWhole(String output, String tail, String description) {
    byte[] bytes = unescape(output).getBytes(StandardCharsets.UTF_8);

    assertThat(LogTail.fromEnd(bytes, false, 40, 4096)).isEqualTo(unescape(tail));
  }

  @ParameterizedTest(name = "[{index}] {3}")
  @CsvSource(delimiter = '|', textBlock = """
      1\\n2\\n3\\n4\\n5\\n | 3 | 3\\n4\\n5         | the last lines only
      partial\\nx\\ny\\n   | 9 | x\\ny            | a line cut at the start is dropped
      one-long-line      | 9 | one-long-line     | a single cut line is kept rather than nothing
      """)
  void keepsTheLastWholeLinesOfACutFile(String chunk, int maxLines, String tail, String description) {
    byte[] bytes = unescape(chunk).getBytes(StandardCharsets.UTF_8);

    assertThat(LogTail.fromEnd(bytes, true, maxLines, 4096)).isEqualTo(unescape(tail));
  }

  @Test
  void dropsACharacterCutInTwoAtTheStart() {
    byte[] euro = "€uro\nok".getBytes(StandardCharsets.UTF_8); // € is 3 bytes
    byte[] cut = Arrays.copyOfRange(euro, 1, euro.length);

    assertThat(LogTail.fromEnd(cut, true, 40, 4096)).isEqualTo("ok");
    assertThat(LogTail.fromEnd(Arrays.copyOfRange(euro, 2, 6), true, 40, 4096)).isEqualTo("uro");
  }

  @Test
  void replacesInvalidBytesAndStaysWithinTheByteLimit() {
    byte[] invalid = new byte[100];
    Arrays.fill(invalid, (byte) 0xFF);

    String tail = LogTail.fromEnd(invalid, false, 40, 100);

    assertThat(tail).isEqualTo("\uFFFD".repeat(33)); // each replacement takes 3 bytes: 33 fit in 100

  }

  @Test
  void readsOnlyTheEndOfAHugeFile() throws IOException {
    Path log = temp.resolve("output.log");
    try (Writer writer = Files.newBufferedWriter(log)) {
      for (int i = 1; i <= 500_000; i++) {
        writer.write("line " + i + " ünïcödé\n");
      }
    }

    String tail = LogTail.read(log);

    assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(tail.split("\n")).hasSize(LogTail.MAX_LINES);
    assertThat(tail).endsWith("line 500000 ünïcödé").startsWith("line 499961 ");
  }

  @Test
  void boundsLongLinesByBytes() throws IOException {
    Path log = temp.resolve("output.log");
    String lines = IntStream.range(0, 30).mapToObj(i -> i + ":" + "x".repeat(300)).collect(Collectors.joining("\n"));
    Files.writeString(log, lines + "\n");

    String tail = LogTail.read(log);

    assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(tail).endsWith("29:" + "x".repeat(300)).doesNotStartWith("x");
  }

  @Test
  void anAbsentFileIsNoOutput() throws IOException {
    assertThat(LogTail.read(temp.resolve("none.log"))).isEmpty();
  }

  private static String unescape(String text) {
    return text.replace("\\n", "\n");
  }
}
