package io.gpucompute.provider.local;

import java.util.Objects;

/**
 * One GPU of the host.
 *
 * @param index the device index (nvidia-smi's, or the declaration order from 0)
 * @param type the type token, such as {@code H100}
 * @param name nvidia-smi's name, such as {@code NVIDIA H100 80GB HBM3}; null for declared GPUs
 * @param memoryMiB the memory in MiB; null when unknown (declared GPUs)
 * @param uuid nvidia-smi's UUID, such as {@code GPU-7e0b2b09-...}; null for declared GPUs
 */
record GpuDevice(int index, String type, String name, Integer memoryMiB, String uuid) {

  GpuDevice {
    Objects.requireNonNull(type, "type");
  }

  /** A GPU declared in {@code spec.local.gpus}: only its type and index are known. */
  static GpuDevice declared(int index, String type) {
    return new GpuDevice(index, type, null, null, null);
  }

  /**
   * How {@code CUDA_VISIBLE_DEVICES} names this GPU, which is also its identity on the host: the UUID when known
   * (an index that does not exist silently gives a job no GPU), else the index.
   */
  String visibleId() {
    return uuid != null ? uuid : Integer.toString(index);
  }

  /** Whole GiB of memory, rounded down; null when unknown. */
  Integer memoryGiB() {
    return memoryMiB == null ? null : memoryMiB / 1024;
  }
}
