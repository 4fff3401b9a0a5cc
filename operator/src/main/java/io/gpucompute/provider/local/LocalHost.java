package io.gpucompute.provider.local;

import io.gpucompute.provider.WorkloadLocks;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What every Local ProviderConfig on this host shares: the settings, the one GPU allocator, the per-workload locks
 * and how processes are started and stopped.
 *
 * @param settings the operator's Local settings
 * @param allocator the host's GPU allocator
 * @param locks one lock per workload key
 * @param terminator stops process groups
 * @param mvCommand the absolute path of {@code mv}, for the wrapper's atomic exit-code write
 * @param launcher starts workload processes
 * @param runAsProblem why workloads cannot run as {@link LocalSettings#runAs()} here, when they cannot
 */
record LocalHost(
    LocalSettings settings,
    GpuAllocator allocator,
    WorkloadLocks locks,
    ProcessGroupTerminator terminator,
    String mvCommand,
    WorkloadLauncher launcher,
    Optional<String> runAsProblem) {

  /** The host state for {@code settings}, with the GPUs of still running workloads already busy. */
  static LocalHost start(LocalSettings settings) {
    String path = System.getenv("PATH");
    String setpriv = ExecutableLookup.absolutePathOf("setpriv", path);
    Optional<WorkloadUsers> users = settings.runAs()
        .map(range -> new WorkloadUsers(range, settings.workloadsDir(), ProcessOwners::userIds));
    return new LocalHost(
        settings,
        GpuAllocator.recoveredFrom(settings.workloadsDir()),
        new WorkloadLocks(),
        new ProcessGroupTerminator(settings.cancelGracePeriod()),
        ExecutableLookup.absolutePathOf("mv", path),
        new WorkloadLauncher(path, users, setpriv),
        settings.runAs().isEmpty() ? Optional.empty()
            : runAsProblem(ProcessOwners.effectiveUidOfThisProcess(), setpriv));
  }

  /** Why workloads cannot be run as other users, if they cannot: it takes root and util-linux's setpriv. Pure. */
  static Optional<String> runAsProblem(Optional<Integer> operatorUid, String setpriv) {
    if (!operatorUid.equals(Optional.of(0))) {
      return Optional.of("GPUCOMPUTE_LOCAL_RUN_AS_USER is set, but the operator runs as uid "
          + operatorUid.map(String::valueOf).orElse("(unknown)") + ", not root, so it cannot start workloads as "
          + "other users; run it as root or unset GPUCOMPUTE_LOCAL_RUN_AS_USER");
    }
    if (!Path.of(setpriv).isAbsolute()) {
      return Optional.of("GPUCOMPUTE_LOCAL_RUN_AS_USER is set, but setpriv (util-linux) is not on the operator's "
          + "PATH; install it or unset GPUCOMPUTE_LOCAL_RUN_AS_USER");
    }
    return Optional.empty();
  }
}
