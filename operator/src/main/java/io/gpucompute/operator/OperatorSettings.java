package io.gpucompute.operator;

import io.gpucompute.job.JobTiming;
import io.gpucompute.provider.local.LocalSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The operator process's settings, read from environment variables (see docs/operations.md).
 *
 * @param local how the Local provider runs on this host
 * @param timing poll, queue and retry timing of jobs
 * @param probeInterval how often ProviderConfigs are probed again
 * @param healthPort the port of /healthz and /readyz, or 0 for none
 * @param healthBindAddress the address the health server listens on, or empty for every interface
 * @param leaseNamespace where the leader-election Lease lives, or empty for no leader election
 * @param identity this replica's name (the pod name), for Events and leader election
 * @param orphanSweep how the orphan sweep runs
 * @param installation the id this installation tags its workloads with; empty means the uid of the cluster's
 *     {@code kube-system} namespace, read at start
 * @param scale reconcile threads and how long offers are kept
 */
public record OperatorSettings(LocalSettings local, JobTiming timing, Duration probeInterval, int healthPort,
    Optional<InetAddress> healthBindAddress, Optional<String> leaseNamespace, String identity,
    OrphanSweepSettings orphanSweep, Optional<String> installation, ScaleSettings scale) {

  /** Settings with the default orphan sweep and the cluster's own installation id. */
  public OperatorSettings(LocalSettings local, JobTiming timing, Duration probeInterval, int healthPort,
      Optional<InetAddress> healthBindAddress, Optional<String> leaseNamespace, String identity) {
    this(local, timing, probeInterval, healthPort, healthBindAddress, leaseNamespace, identity,
        OrphanSweepSettings.DEFAULT, Optional.empty(), ScaleSettings.DEFAULT);
  }

  /** These settings with {@code orphanSweep}. */
  public OperatorSettings withOrphanSweep(OrphanSweepSettings orphanSweep) {
    return new OperatorSettings(local, timing, probeInterval, healthPort, healthBindAddress, leaseNamespace, identity,
        orphanSweep, installation, scale);
  }

  /** These settings with {@code scale}. */
  public OperatorSettings withScale(ScaleSettings scale) {
    return new OperatorSettings(local, timing, probeInterval, healthPort, healthBindAddress, leaseNamespace, identity,
        orphanSweep, installation, scale);
  }

  /** Reads the settings from {@code env}, with defaults for what is unset. */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    Path stateDir = Path.of(env.getOrDefault("GPUCOMPUTE_STATE_DIR",
        Path.of(System.getProperty("java.io.tmpdir"), "gpucompute").toString()));
    LocalSettings local = new LocalSettings(flag(env, "GPUCOMPUTE_LOCAL_PROVIDER_ENABLED"), stateDir,
        env.get("GPUCOMPUTE_NVIDIA_SMI"), seconds(env, "GPUCOMPUTE_CANCEL_GRACE_SECONDS").orElse(null),
        LocalSettings.RunAs.parse(env.get("GPUCOMPUTE_LOCAL_RUN_AS_USER"), env.get("GPUCOMPUTE_LOCAL_RUN_AS_GROUP")));
    JobTiming defaults = JobTiming.DEFAULT;
    JobTiming timing = new JobTiming(
        seconds(env, "GPUCOMPUTE_POLL_SECONDS").orElse(defaults.pollInterval()),
        seconds(env, "GPUCOMPUTE_QUEUE_RECHECK_SECONDS").orElse(defaults.queuedRecheck()),
        seconds(env, "GPUCOMPUTE_RETRY_BASE_SECONDS").orElse(defaults.retryBase()),
        seconds(env, "GPUCOMPUTE_RETRY_MAX_SECONDS").orElse(defaults.retryMax()),
        defaults.submitGrace());
    return new OperatorSettings(local, timing,
        seconds(env, "GPUCOMPUTE_PROBE_SECONDS").orElse(Duration.ofSeconds(60)),
        Integer.parseInt(env.getOrDefault("GPUCOMPUTE_HEALTH_PORT", "8081")),
        address(env, "GPUCOMPUTE_HEALTH_BIND_ADDRESS"),
        Optional.ofNullable(env.get("GPUCOMPUTE_LEADER_ELECTION_NAMESPACE")).filter(s -> !s.isBlank()),
        env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "gpucompute-operator")),
        new OrphanSweepSettings(
            seconds(env, "GPUCOMPUTE_ORPHAN_SWEEP_SECONDS").orElse(OrphanSweepSettings.DEFAULT.interval()),
            seconds(env, "GPUCOMPUTE_ORPHAN_GRACE_SECONDS").orElse(OrphanSweepSettings.DEFAULT.grace())),
        Optional.ofNullable(env.get("GPUCOMPUTE_INSTALLATION_ID")).filter(s -> !s.isBlank()),
        new ScaleSettings(
            whole(env, "GPUCOMPUTE_RECONCILE_THREADS").orElse(ScaleSettings.DEFAULT.reconcileThreads()),
            seconds(env, "GPUCOMPUTE_OFFERS_TTL_SECONDS").orElse(ScaleSettings.DEFAULT.offersTtl())));
  }

  private static Optional<Integer> whole(Map<String, String> env, String name) {
    return parsed(env, name, "a whole number", text -> Integer.parseInt(text));
  }

  /** An IP address or a host name (resolved now); unset or blank is empty. */
  private static Optional<InetAddress> address(Map<String, String> env, String name) {
    return parsed(env, name, "an IP address or a host name", InetAddress::getByName);
  }

  /** {@code true} or {@code false}; unset or blank is false (the Local provider is opt-in). */
  private static boolean flag(Map<String, String> env, String name) {
    String value = env.getOrDefault(name, "").strip();
    if (value.isEmpty() || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
  }

  private static Optional<Duration> seconds(Map<String, String> env, String name) {
    return parsed(env, name, "a number of seconds",
        text -> Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000)));
  }

  /** How a variable's text becomes its value; an exception means it is not one. */
  @FunctionalInterface
  private interface Parser<T> {
    T parse(String text) throws Exception;
  }

  /** The value of variable {@code name}; unset or blank is empty; a value that is not {@code what} stops the start. */
  private static <T> Optional<T> parsed(Map<String, String> env, String name, String what, Parser<T> parser) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.parse(value.strip()));
    } catch (Exception e) {
      throw new IllegalArgumentException(name + " must be " + what + ", was '" + value + "'", e);
    }
  }
}
