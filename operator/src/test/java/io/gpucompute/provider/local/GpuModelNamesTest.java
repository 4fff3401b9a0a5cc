package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuModelNamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      NVIDIA H100 80GB HBM3          | H100
      NVIDIA H100 PCIe               | H100
      NVIDIA H100 NVL                | H100
      NVIDIA H200                    | H200
      NVIDIA GH200 480GB             | GH200
      NVIDIA B200                    | B200
      NVIDIA A100-SXM4-80GB          | A100
      NVIDIA A100-PCIE-40GB          | A100
      NVIDIA A100 80GB PCIe          | A100
      Tesla T4                       | T4
      NVIDIA A10                     | A10
      NVIDIA A10G                    | A10G
      NVIDIA L4                      | L4
      NVIDIA L40S                    | L40S
      NVIDIA L40                     | L40
      Tesla V100-SXM2-16GB           | V100
      Tesla V100-PCIE-32GB           | V100
      Tesla K80                      | K80
      NVIDIA GeForce RTX 4090        | RTX4090
      NVIDIA GeForce RTX 3090 Ti     | RTX3090TI
      NVIDIA GeForce GTX 1080        | GTX1080
      NVIDIA RTX A6000               | A6000
      NVIDIA RTX 6000 Ada Generation | RTX6000
      Quadro RTX 8000                | RTX8000
      nvidia h100 80gb hbm3          | H100
      Some Future Accelerator        | SOME-FUTURE-ACCELERATOR
      NVIDIA Graphics Device         | GRAPHICS-DEVICE
      NVIDIA                         | UNKNOWN
      """)
  void mapsNamesToTypeTokens(String name, String type) {
    assertThat(GpuModelNames.typeOf(name)).isEqualTo(type);
  }
}
