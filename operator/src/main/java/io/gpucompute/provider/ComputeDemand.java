package io.gpucompute.provider;

/**
 * CPU, memory and disk a workload needs besides its GPUs; null parts mean the provider's default.
 *
 * @param cpu whole cores
 * @param memoryGiB memory in GiB
 * @param diskGiB scratch disk in GiB
 */
public record ComputeDemand(Integer cpu, Integer memoryGiB, Integer diskGiB) {
  /** No particular demand. */
  public static final ComputeDemand NONE = new ComputeDemand(null, null, null);
}
