package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NvidiaSmiCsvTest {

  @Test
  void parsesTheH200Sample() throws IOException {
    NvidiaSmiCsv.Parsed parsed = NvidiaSmiCsv.parse(fixture("h200.csv"));

    assertThat(parsed.devices()).containsExactly(
        new GpuDevice(0, "H200", "NVIDIA H200", 143771, "GPU-7e0b2b09-6a13-d6a2-40db-0ef3e2515077"));
    assertThat(parsed.skipped()).isEmpty();
  }

  @Test
  void parsesTheH100Sample() throws IOException {
    GpuDevice device = NvidiaSmiCsv.parse(fixture("h100.csv")).devices().get(0);

    assertThat(device.type()).isEqualTo("H100");
    assertThat(device.name()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(device.memoryMiB()).isEqualTo(81559);
    assertThat(device.memoryGiB()).isEqualTo(79);
  }

  @Test
  void parsesSeveralGpusOfSeveralTypes() throws IOException {
    NvidiaSmiCsv.Parsed parsed = NvidiaSmiCsv.parse(fixture("multi-gpu.csv"));

    assertThat(parsed.devices()).extracting(GpuDevice::index, GpuDevice::type, GpuDevice::memoryMiB)
        .containsExactly(
            tuple(0, "A100", 81920),
            tuple(1, "A100", 81920),
            tuple(2, "T4", 15360),
            tuple(3, "A10", 23028));
    assertThat(parsed.skipped()).isEmpty();
  }

  @Test
  void skipsMalformedLinesAndSaysWhy() throws IOException {
    NvidiaSmiCsv.Parsed parsed = NvidiaSmiCsv.parse(fixture("malformed.csv"));

    assertThat(parsed.devices()).extracting(GpuDevice::index).containsExactly(0, 4);
    assertThat(parsed.skipped()).hasSize(5);
    assertThat(parsed.skipped()).anySatisfy(line -> assertThat(line).contains("index 'index' is not a whole number"));
    assertThat(parsed.skipped()).anySatisfy(line -> assertThat(line).contains("memory.total '[N/A]'"));
    assertThat(parsed.skipped()).anySatisfy(line -> assertThat(line).contains("expected 4 fields"));
    assertThat(parsed.skipped()).anySatisfy(line -> assertThat(line).contains("the name is empty"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      0, NVIDIA H200, 143771                                    | expected 4 fields
      0, NVIDIA H200, 143771, GPU-7e0b, extra                   | expected 4 fields
      x, NVIDIA H200, 143771, GPU-7e0b2b09                      | index 'x' is not a whole number
      0, NVIDIA H200, -1, GPU-7e0b2b09                          | memory.total '-1' is not a whole number
      0, NVIDIA H200, 143771, not a uuid                        | is not a GPU UUID
      """)
  void explainsEachMalformedLine(String line, String reason) {
    NvidiaSmiCsv.Parsed parsed = NvidiaSmiCsv.parse(line);

    assertThat(parsed.devices()).isEmpty();
    assertThat(parsed.skipped()).singleElement().asString().contains(reason);
  }

  @Test
  void emptyOutputIsNoGpus() {
    assertThat(NvidiaSmiCsv.parse("").devices()).isEmpty();
    assertThat(NvidiaSmiCsv.parse("\n\n").skipped()).isEmpty();
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = NvidiaSmiCsvTest.class.getResourceAsStream("/nvidia-smi/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
