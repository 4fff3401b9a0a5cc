package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.ProviderException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuInventoryTest {

  private static final GpuDevice H100 =
      new GpuDevice(0, "H100", "NVIDIA H100 80GB HBM3", 81559, "GPU-3f1d6c2e-9a4b-4c1e-8d2a-1b2c3d4e5f60");

  private static final GpuInventory DECLARED =
      GpuInventory.choose(List.of(), List.of(new LocalGpu("A100", 2), new LocalGpu("T4", 1)));
  private static final GpuInventory DETECTED = GpuInventory.choose(List.of(H100), List.of(new LocalGpu("A100", 2)));

  @Test
  void declaredGpusAreNumberedFromZeroAcrossTypesInDeclarationOrder() {
    assertThat(DECLARED.source()).isEqualTo(GpuInventory.Source.DECLARED);
    assertThat(DECLARED.devices()).containsExactly(
        GpuDevice.declared(0, "A100"), GpuDevice.declared(1, "A100"), GpuDevice.declared(2, "T4"));
    assertThat(DECLARED.devices()).extracting(GpuDevice::visibleId).containsExactly("0", "1", "2");
  }

  @Test
  void gpusFromNvidiaSmiReplaceTheDeclaredOnes() {
    assertThat(DETECTED.source()).isEqualTo(GpuInventory.Source.NVIDIA_SMI);
    assertThat(DETECTED.devices()).containsExactly(H100);
    assertThat(H100.visibleId()).isEqualTo(H100.uuid());
  }

  @Test
  void nothingDetectedNorDeclaredIsEmpty() {
    GpuInventory inventory = GpuInventory.choose(List.of(), null);

    assertThat(inventory.isEmpty()).isTrue();
    assertThat(inventory.describe()).isEqualTo("no GPUs");
  }

  @Test
  void declarationsWithoutTypeOrCountAreIgnored() {
    GpuInventory inventory = GpuInventory.choose(List.of(), List.of(new LocalGpu(null, 2), new LocalGpu("T4", null),
        new LocalGpu("L4", 1)));

    assertThat(inventory.devices()).containsExactly(GpuDevice.declared(0, "L4"));
  }

  @Test
  void describesItselfForPeople() {
    assertThat(DECLARED.describe()).isEqualTo("3 GPUs: A100 x2, T4 x1 (declared)");
    assertThat(DETECTED.describe()).isEqualTo("1 GPU: H100 x1 (nvidia-smi)");
  }

  @ParameterizedTest(name = "{0} x{1} >= {2} GiB -> {3}")
  @CsvSource(nullValues = "-", textBlock = """
      A100, 1, -,     0;1
      a100, 2, -,     0;1
      T4,   1, -,     2
      t4,   1, 9999,  2
      """)
  void findsCandidatesCaseInsensitivelyAndAcceptsAnyMemoryForDeclaredGpus(
      String type, int count, Integer memoryGiB, String indexes) throws ProviderException {
    List<GpuDevice> candidates = DECLARED.candidatesFor(new GpuDemand(type, count, memoryGiB));

    assertThat(candidates).extracting(device -> Integer.toString(device.index()))
        .containsExactly(indexes.split(";"));
  }

  @ParameterizedTest(name = "{0} >= {1} GiB")
  @CsvSource(nullValues = "-", textBlock = """
      H100, 79
      h100, -
      """)
  void detectedGpusWithEnoughMemoryAreCandidates(String type, Integer memoryGiB) throws ProviderException {
    assertThat(DETECTED.candidatesFor(new GpuDemand(type, 1, memoryGiB))).containsExactly(H100);
  }

  @Test
  void detectedGpusWithTooLittleMemoryAreAnInvalidRequest() {
    assertThatThrownBy(() -> DETECTED.candidatesFor(new GpuDemand("H100", 1, 80)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InsufficientGpuMemory"))
        .hasMessage("the job asks for H100 GPUs with at least 80 GiB; this host's H100 GPUs have 79 GiB "
            + "(it has 1 GPU: H100 x1 (nvidia-smi))");
  }

  @ParameterizedTest(name = "{0} x{1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      B200 | 1 | UnknownGpuType | this host has no B200 GPU; it has 3 GPUs: A100 x2, T4 x1 (declared)
      A10  | 1 | UnknownGpuType | this host has no A10 GPU; it has 3 GPUs: A100 x2, T4 x1 (declared)
      A100 | 3 | TooManyGpus    | the job asks for 3 A100 GPUs; this host has 3 GPUs: A100 x2, T4 x1 (declared)
      """)
  void refusesWhatTheHostCanNeverServe(String type, int count, String reason, String message) {
    assertThatThrownBy(() -> DECLARED.candidatesFor(new GpuDemand(type, count, null)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessage(message);
  }
}
