package io.gpucompute.provider.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the Local provider runs on this host: settings of the operator process, not of a ProviderConfig.
 *
 * @param enabled whether this operator serves Local ProviderConfigs at all ({@code GPUCOMPUTE_LOCAL_PROVIDER_ENABLED});
 *     off, every Local ProviderConfig is refused with reason {@code LocalProviderDisabled}
 * @param stateDir where the per-workload directories live ({@code <stateDir>/workloads/<workload name>/})
 * @param nvidiaSmi the nvidia-smi command name or path
 * @param cancelGracePeriod how long a cancelled workload may take to exit after SIGTERM before SIGKILL
 * @param runAs the users workloads run as, when not the operator's own ({@code GPUCOMPUTE_LOCAL_RUN_AS_USER})
 */
public record LocalSettings(boolean enabled, Path stateDir, String nvidiaSmi, Duration cancelGracePeriod,
    Optional<RunAs> runAs) {

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
    runAs = runAs == null ? Optional.empty() : runAs;
  }

  /** Local enabled on {@code stateDir}, workloads running as the operator's user. */
  public static LocalSettings enabled(Path stateDir, String nvidiaSmi, Duration cancelGracePeriod) {
    return new LocalSettings(true, stateDir, nvidiaSmi, cancelGracePeriod, Optional.empty());
  }

  /** The default settings for a state directory, Local enabled. */
  public static LocalSettings withStateDir(Path stateDir) {
    return enabled(stateDir, DEFAULT_NVIDIA_SMI, DEFAULT_CANCEL_GRACE_PERIOD);
  }

  /** These settings with workloads run as {@code users}. */
  public LocalSettings runningAs(RunAs users) {
    return new LocalSettings(enabled, stateDir, nvidiaSmi, cancelGracePeriod, Optional.of(users));
  }

  /** The directory that holds one directory per workload. */
  Path workloadsDir() {
    return stateDir.resolve("workloads");
  }

  /**
   * The unprivileged users workloads run as, when the operator runs as root: each running workload gets a user id of
   * its own from {@code firstUid..lastUid} (so workloads cannot read or signal each other), all in group {@code gid}.
   *
   * @param firstUid the first user id (not 0)
   * @param lastUid the last user id, at least {@code firstUid}; the range caps how many workloads run at once
   * @param gid the group id of every workload (not 0)
   */
  public record RunAs(int firstUid, int lastUid, int gid) {

    public RunAs {
      if (firstUid <= 0 || lastUid < firstUid || gid <= 0) {
        throw new IllegalArgumentException("workload users must be uids above 0 (first <= last) and a gid above 0, "
            + "were " + firstUid + "-" + lastUid + " and " + gid);
      }
    }

    /**
     * Reads {@code GPUCOMPUTE_LOCAL_RUN_AS_USER} ({@code <uid>} or {@code <first>-<last>}) and
     * {@code GPUCOMPUTE_LOCAL_RUN_AS_GROUP} ({@code <gid>}; unset means the first uid's number).
     *
     * @return empty when {@code user} is unset or blank
     * @throws IllegalArgumentException naming the variable when a value is no number or out of range
     */
    public static Optional<RunAs> parse(String user, String group) {
      if (user == null || user.isBlank()) {
        return Optional.empty();
      }
      String[] range = user.strip().split("-", 2);
      int first = number("GPUCOMPUTE_LOCAL_RUN_AS_USER", range[0]);
      int last = range.length == 2 ? number("GPUCOMPUTE_LOCAL_RUN_AS_USER", range[1]) : first;
      int gid = group == null || group.isBlank() ? first : number("GPUCOMPUTE_LOCAL_RUN_AS_GROUP", group);
      return Optional.of(new RunAs(first, last, gid));
    }

    /** How many workloads can run at once. */
    int size() {
      return lastUid - firstUid + 1;
    }

    boolean contains(int uid) {
      return uid >= firstUid && uid <= lastUid;
    }

    @Override
    public String toString() {
      return "uids " + firstUid + (lastUid == firstUid ? "" : "-" + lastUid) + ", gid " + gid;
    }

    private static int number(String variable, String text) {
      try {
        return Integer.parseInt(text.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(variable + " must be a number (or for the user a range <first>-<last>), "
            + "was '" + text + "'", e);
      }
    }
  }
}
