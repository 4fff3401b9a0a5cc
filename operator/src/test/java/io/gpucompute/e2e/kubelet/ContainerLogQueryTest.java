package io.gpucompute.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContainerLogQueryTest {

  private static final byte[] LOG = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void noQueryIsTheWholeLog() {
    assertThat(apply(null)).isEqualTo("one\ntwo\nthree\n");
    assertThat(apply("follow=false&timestamps=false")).isEqualTo("one\ntwo\nthree\n");
  }

  @Test
  void tailLinesKeepsTheLastLines() {
    assertThat(apply("tailLines=1")).isEqualTo("three\n");
    assertThat(apply("tailLines=2")).isEqualTo("two\nthree\n");
    assertThat(apply("tailLines=9")).isEqualTo("one\ntwo\nthree\n");
    assertThat(apply("tailLines=0")).isEmpty();
  }

  @Test
  void aLastLineWithoutANewlineCounts() {
    byte[] log = "one\ntwo".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(ContainerLogQuery.parse("tailLines=1").apply(log), StandardCharsets.UTF_8)).isEqualTo("two");
  }

  @Test
  void limitBytesCutsAfterTheTail() {
    assertThat(apply("limitBytes=5")).isEqualTo("one\nt");
    assertThat(apply("tailLines=2&limitBytes=3")).isEqualTo("two");
    assertThat(apply("limitBytes=100")).isEqualTo("one\ntwo\nthree\n");
  }

  private static String apply(String query) {
    return new String(ContainerLogQuery.parse(query).apply(LOG), StandardCharsets.UTF_8);
  }
}
