package io.gpucompute.provider;

/**
 * The GPUs a workload needs.
 *
 * @param type the GPU type token, such as {@code A100}
 * @param count how many, at least 1
 * @param memoryGiB the least memory per GPU in GiB, or null for any
 */
public record GpuDemand(String type, int count, Integer memoryGiB) {
  public GpuDemand {
    if (count < 1) {
      throw new IllegalArgumentException("GPU count must be at least 1, was " + count);
    }
  }
}
