package io.gpucompute.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a kubelet does to operator replicas, once per {@link #probe()}: it restarts a replica whose process exited
 * (restartPolicy Always) and records why, and it probes the others' {@code /healthz} (once past the liveness probe's
 * initial delay) and {@code /readyz}, recording every liveness failure and which replicas were not ready.
 */
final class ProbingKubelet {

  /** How long a process whose probe failed may take to exit, for the failure to be its exit. */
  private static final Duration EXITING = Duration.ofSeconds(2);

  private final Replicas replicas;
  private final List<String> names;
  private final Duration initialDelay;
  private final List<String> livenessFailures = new ArrayList<>();
  private final Set<String> notReady = new TreeSet<>();
  private final List<String> exits = new ArrayList<>();

  ProbingKubelet(Replicas replicas, List<String> names, Duration livenessInitialDelay) {
    this.replicas = replicas;
    this.names = List.copyOf(names);
    this.initialDelay = livenessInitialDelay;
  }

  void probe() {
    for (String name : names) {
      OperatorProcess replica = replicas.latest(name);
      if (!replica.alive()) {
        exits.add(name + " exit code " + replica.exitCode().orElse(-1) + ": " + replica.logText().lines()
            .filter(l -> l.contains(" ERROR ")).reduce((a, b) -> b).orElse("(no ERROR line)"));
        replicas.start(name);
        continue;
      }
      if (Duration.between(replica.startedAt(), Instant.now()).compareTo(initialDelay) >= 0) {
        int live = replica.status("/healthz");
        // A probe that fails as the process exits (its sockets close first) is an exit, restarted at the next probe.
        if (live != 200 && !replica.exitsWithin(EXITING)) {
          livenessFailures.add(name + " (pid " + replica.pid() + ") /healthz -> " + live + " at " + Instant.now());
        }
      }
      if (replica.status("/readyz") != 200) {
        notReady.add(name);
      }
    }
  }

  /** Every liveness probe that failed: each would count toward a restart. */
  List<String> livenessFailures() {
    return List.copyOf(livenessFailures);
  }

  /** The replicas that were not ready at some probe. */
  Set<String> notReady() {
    return Set.copyOf(notReady);
  }

  /** The exits this kubelet restarted a replica after, with the last ERROR line of each. */
  List<String> exits() {
    return List.copyOf(exits);
  }
}
