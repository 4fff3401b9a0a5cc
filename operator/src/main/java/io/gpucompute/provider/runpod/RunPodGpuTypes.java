package io.gpucompute.provider.runpod;

import io.gpucompute.provider.ProviderException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one table from a job's {@code spec.gpu.type} token to RunPod's {@code gpuTypeId}, the exact id string that
 * {@code podFindAndDeployOnDemand} and {@code gpuTypes} use (RunPod docs, references/gpu-types). Tokens are matched
 * case-insensitively. Where RunPod has several variants of one model, the plain token names the most common one and
 * suffixed tokens ({@code A100-SXM}, {@code H100-PCIE}) name the others.
 */
final class RunPodGpuTypes {

  /** One row: the RunPod id and the nominal memory per GPU in GiB (the live catalogue's value wins in offers). */
  record GpuType(String token, String runPodId, int memoryGiB) {}

  private static final Map<String, GpuType> BY_TOKEN = new LinkedHashMap<>();

  static {
    add("A100", "NVIDIA A100 80GB PCIe", 80);
    add("A100-SXM", "NVIDIA A100-SXM4-80GB", 80);
    add("H100", "NVIDIA H100 80GB HBM3", 80);
    add("H100-PCIE", "NVIDIA H100 PCIe", 80);
    add("H100-NVL", "NVIDIA H100 NVL", 94);
    add("H200", "NVIDIA H200", 141);
    add("B200", "NVIDIA B200", 180);
    add("L4", "NVIDIA L4", 24);
    add("L40", "NVIDIA L40", 48);
    add("L40S", "NVIDIA L40S", 48);
    add("A40", "NVIDIA A40", 48);
    add("A30", "NVIDIA A30", 24);
    add("A4000", "NVIDIA RTX A4000", 16);
    add("A4500", "NVIDIA RTX A4500", 20);
    add("A5000", "NVIDIA RTX A5000", 24);
    add("A6000", "NVIDIA RTX A6000", 48);
    add("RTX6000-ADA", "NVIDIA RTX 6000 Ada Generation", 48);
    add("RTX3090", "NVIDIA GeForce RTX 3090", 24);
    add("RTX4090", "NVIDIA GeForce RTX 4090", 24);
    add("RTX5090", "NVIDIA GeForce RTX 5090", 32);
    add("T4", "Tesla T4", 16);
    add("V100", "Tesla V100-SXM2-32GB", 32);
    add("MI300X", "AMD Instinct MI300X OAM", 192);
  }

  private RunPodGpuTypes() {}

  private static void add(String token, String runPodId, int memoryGiB) {
    BY_TOKEN.put(key(token), new GpuType(token, runPodId, memoryGiB));
  }

  private static String key(String token) {
    return token.toUpperCase(Locale.ROOT);
  }

  /** The row of {@code token}, if the table has it. */
  static Optional<GpuType> find(String token) {
    return token == null ? Optional.empty() : Optional.ofNullable(BY_TOKEN.get(key(token)));
  }

  /**
   * The row of {@code token}.
   *
   * @throws ProviderException.InvalidRequest ({@code UnknownGpuType}) listing every known token
   */
  static GpuType require(String token) throws ProviderException.InvalidRequest {
    return find(token).orElseThrow(() -> new ProviderException.InvalidRequest("UnknownGpuType",
        "RunPod has no GPU type '" + token + "' in this operator's table; known types: " + String.join(", ", tokens())));
  }

  /** Every row, in table order. */
  static Iterable<GpuType> all() {
    return BY_TOKEN.values();
  }

  /** Every token, in table order. */
  static java.util.List<String> tokens() {
    return BY_TOKEN.values().stream().map(GpuType::token).toList();
  }
}
