package io.gpucompute.provider.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Local provider runs on this host: settings of the operator process, not of a ProviderConfig.
 *
 * @param stateDir where the per-workload directories live ({@code <stateDir>/workloads/<workload name>/})
 * @param nvidiaSmi the nvidia-smi command name or path
 * @param cancelGracePeriod how long a cancelled workload may take to exit after SIGTERM before SIGKILL
 */
public record LocalSettings(Path stateDir, String nvidiaSmi, Duration cancelGracePeriod) {

  public static final String DEFAULT_NVIDIA_SMI = "nvidia-smi";
  public static final Duration DEFAULT_CANCEL_GRACE_PERIOD = Duration.ofSeconds(10);

  public LocalSettings {
    Objects.requireNonNull(stateDir, "stateDir");
    stateDir = stateDir.toAbsolutePath().normalize();
    nvidiaSmi = nvidiaSmi == null || nvidiaSmi.isBlank() ? DEFAULT_NVIDIA_SMI : nvidiaSmi;
    cancelGracePeriod = cancelGracePeriod == null ? DEFAULT_CANCEL_GRACE_PERIOD : cancelGracePeriod;
    if (cancelGracePeriod.isNegative()) {
      throw new IllegalArgumentException("cancelGracePeriod must not be negative, was " + cancelGracePeriod);
    }
  }

  /** The default settings for a state directory. */
  public static LocalSettings withStateDir(Path stateDir) {
    return new LocalSettings(stateDir, DEFAULT_NVIDIA_SMI, DEFAULT_CANCEL_GRACE_PERIOD);
  }

  /** The directory that holds one directory per workload. */
  Path workloadsDir() {
    return stateDir.resolve("workloads");
  }
}
