package io.gpucompute.provider.local;

import io.gpucompute.provider.WorkloadLocks;
/**
 * What every Local ProviderConfig on this host shares: the settings, the one GPU allocator, the per-workload locks
 * and how processes are started and stopped.
 *
 * @param settings the operator's Local settings
 * @param allocator the host's GPU allocator
 * @param locks one lock per workload key
 * @param terminator stops process groups
 * @param mvCommand the absolute path of {@code mv}, for the wrapper's atomic exit-code write
 */
record LocalHost(
    LocalSettings settings,
    GpuAllocator allocator,
    WorkloadLocks locks,
    ProcessGroupTerminator terminator,
    String mvCommand) {

  /** The host state for {@code settings}, with the GPUs of still running workloads already busy. */
  static LocalHost start(LocalSettings settings) {
    return new LocalHost(
        settings,
        GpuAllocator.recoveredFrom(settings.workloadsDir()),
        new WorkloadLocks(),
        new ProcessGroupTerminator(settings.cancelGracePeriod()),
        ExecutableLookup.absolutePathOf("mv", System.getenv("PATH")));
  }
}
