package io.gpucompute.provider.local;

import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.ProviderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The GPUs of the host and where that knowledge came from. Pure: no I/O.
 *
 * @param devices the GPUs, in index order
 * @param source who reported them
 */
record GpuInventory(List<GpuDevice> devices, Source source) {

  /** Who reported the GPUs. */
  enum Source {
    NVIDIA_SMI("nvidia-smi"),
    DECLARED("declared");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  GpuInventory {
    devices = List.copyOf(devices);
  }

  /**
   * The inventory: the GPUs nvidia-smi reports when it reports any, else the declared ones, numbered from 0 across
   * types in declaration order.
   */
  static GpuInventory choose(List<GpuDevice> detected, List<LocalGpu> declared) {
    if (!detected.isEmpty()) {
      return new GpuInventory(detected, Source.NVIDIA_SMI);
    }
    List<GpuDevice> devices = new ArrayList<>();
    for (LocalGpu gpu : declared == null ? List.<LocalGpu>of() : declared) {
      if (gpu == null || gpu.getType() == null || gpu.getType().isBlank() || gpu.getCount() == null) {
        continue;
      }
      for (int i = 0; i < gpu.getCount(); i++) {
        devices.add(GpuDevice.declared(devices.size(), gpu.getType().strip()));
      }
    }
    return new GpuInventory(devices, Source.DECLARED);
  }

  boolean isEmpty() {
    return devices.isEmpty();
  }

  /** The GPUs grouped by type (case-insensitively), in inventory order. */
  Map<String, List<GpuDevice>> byType() {
    return devices.stream().collect(Collectors.groupingBy(
        device -> typeKey(device.type()), LinkedHashMap::new, Collectors.toList()));
  }

  /** A summary for people, such as {@code 2 GPUs: A100 x2 (declared)}. */
  String describe() {
    if (devices.isEmpty()) {
      return "no GPUs";
    }
    String types = byType().values().stream()
        .map(group -> group.get(0).type() + " x" + group.size())
        .collect(Collectors.joining(", "));
    return devices.size() + (devices.size() == 1 ? " GPU: " : " GPUs: ") + types + " (" + source.label() + ")";
  }

  /**
   * The GPUs that can serve {@code demand}, whether busy or not.
   *
   * @throws ProviderException.InvalidRequest when the host can never serve it: no GPU of the type
   *     ({@code UnknownGpuType}), too little memory ({@code InsufficientGpuMemory}) or too few GPUs
   *     ({@code TooManyGpus}); the message lists what the host has
   */
  List<GpuDevice> candidatesFor(GpuDemand demand) throws ProviderException.InvalidRequest {
    List<GpuDevice> ofType = byType().getOrDefault(typeKey(demand.type()), List.of());
    if (ofType.isEmpty()) {
      throw new ProviderException.InvalidRequest("UnknownGpuType",
          "this host has no " + demand.type() + " GPU; it has " + describe());
    }
    List<GpuDevice> bigEnough = ofType.stream().filter(device -> hasMemory(device, demand.memoryGiB())).toList();
    if (bigEnough.isEmpty()) {
      throw new ProviderException.InvalidRequest("InsufficientGpuMemory",
          "the job asks for " + demand.type() + " GPUs with at least " + demand.memoryGiB() + " GiB; this host's "
              + ofType.get(0).type() + " GPUs have " + leastMemoryGiB(ofType) + " GiB (it has " + describe() + ")");
    }
    if (bigEnough.size() < demand.count()) {
      throw new ProviderException.InvalidRequest("TooManyGpus",
          "the job asks for " + demand.count() + " " + demand.type() + " GPUs; this host has " + describe());
    }
    return bigEnough;
  }

  private static boolean hasMemory(GpuDevice device, Integer memoryGiB) {
    return memoryGiB == null || device.memoryMiB() == null || device.memoryMiB() >= memoryGiB * 1024L;
  }

  private static int leastMemoryGiB(List<GpuDevice> devices) {
    return devices.stream().map(GpuDevice::memoryGiB).filter(Objects::nonNull).min(Integer::compare).orElse(0);
  }

  static String typeKey(String type) {
    return type.toUpperCase(Locale.ROOT);
  }
}
