package io.gpucompute.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator replicas as the Helm chart runs them, each the shaded jar in its own JVM ({@link OperatorProcess}): leader
 * election on one Lease, and one Local-provider state directory (the replicas share a host here, so a new leader
 * finds the workloads the old one started). {@link #close()} kills every replica still running.
 */
final class Replicas implements AutoCloseable {

  static final Duration START = Duration.ofSeconds(90);

  private final ControlPlane plane;
  private final String leaseNamespace;
  private final Path stateDir;
  private final List<OperatorProcess> started = new ArrayList<>();
  private final LeaseHistory lease;

  Replicas(ControlPlane plane, String leaseNamespace, Path stateDir) {
    this.plane = plane;
    this.leaseNamespace = leaseNamespace;
    this.stateDir = stateDir;
    this.lease = new LeaseHistory(plane.client(), leaseNamespace);
  }

  /** What the Lease went through. */
  LeaseHistory lease() {
    return lease;
  }

  /**
   * Starts {@code leader} (on {@code leaderKubeconfig}), waits until it holds the Lease, then starts {@code follower}
   * and waits until it is ready too. Returns the leader.
   */
  OperatorProcess startLeaderAndFollower(String leader, Path leaderKubeconfig, String follower) {
    OperatorProcess first = start(leader, leaderKubeconfig, Map.of());
    lease.awaitHolder(leader, START);
    start(follower).awaitReady(START);
    return first;
  }

  /** Starts replica {@code name} on the control plane's kubeconfig. */
  OperatorProcess start(String name) {
    return start(name, plane.kubeconfig(), Map.of());
  }

  /** Starts replica {@code name} on {@code kubeconfig}, with {@code extraEnvironment}. */
  OperatorProcess start(String name, Path kubeconfig, Map<String, String> extraEnvironment) {
    Map<String, String> env = OperatorProcess.fastEnvironment(stateDir);
    env.put("GPUCOMPUTE_LEADER_ELECTION_NAMESPACE", leaseNamespace);
    env.putAll(extraEnvironment);
    OperatorProcess replica = OperatorProcess.start(kubeconfig, name, env);
    started.add(replica);
    return replica;
  }

  /** The replica named {@code name} that runs, if any (the latest started under that name). */
  Optional<OperatorProcess> running(String name) {
    return started.stream().filter(r -> r.name().equals(name) && r.alive()).reduce((a, b) -> b);
  }

  /** The replica last started under {@code name}, running or not. */
  OperatorProcess latest(String name) {
    return started.stream().filter(r -> r.name().equals(name)).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalArgumentException("no replica " + name + " was started"));
  }

  /** Local's log line for a launched workload; group 1 is its GpuJob's name. */
  private static final Pattern LAUNCHED = Pattern.compile("workload [^/\\s]+/(\\S+)#\\d+ launched as pid");

  /**
   * For each GpuJob whose workload a replica's log says it launched (Local's "workload ns/job#n launched as pid"
   * line), the replicas that did, comma-separated in start order. Each log is read once.
   */
  Map<String, String> launchers() {
    Map<String, Set<String>> byJob = new LinkedHashMap<>();
    for (OperatorProcess replica : started) {
      Matcher launched = LAUNCHED.matcher(replica.logText());
      while (launched.find()) {
        byJob.computeIfAbsent(launched.group(1), job -> new LinkedHashSet<>()).add(replica.name());
      }
    }
    Map<String, String> launchers = new LinkedHashMap<>();
    byJob.forEach((job, names) -> launchers.put(job, String.join(",", names)));
    return launchers;
  }

  /** Whether some replica runs. */
  boolean anyRunning() {
    return started.stream().anyMatch(OperatorProcess::alive);
  }

  String leaseNamespace() {
    return leaseNamespace;
  }

  /** The log tails of every replica started, for a failure message. */
  String logs() {
    StringBuilder out = new StringBuilder();
    for (OperatorProcess replica : started) {
      out.append("\n--- ").append(replica.name()).append(" (pid ").append(replica.pid()).append(", ")
          .append(replica.logFile()).append(") ---\n").append(replica.tail(25));
    }
    return out.toString();
  }

  @Override
  public void close() {
    try {
      started.forEach(OperatorProcess::close);
    } finally {
      lease.close();
    }
  }
}
