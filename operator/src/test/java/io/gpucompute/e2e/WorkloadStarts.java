package io.gpucompute.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The ground truth of which workloads ran, how often and when: each workload's command appends one line to a file as
 * it starts ({@code $GPUCOMPUTE_JOB_NAME} names its GpuJob). Which replica started it comes from the replicas' own
 * logs (a workload inherits nothing of the operator's environment, so it cannot say itself).
 */
final class WorkloadStarts {

  /** One start of a workload. */
  record Start(String job, String replica, Instant at) {}

  private final Path file;
  private final Supplier<Map<String, String>> launchers;

  /** @param launchers by job, the replica (or replicas, comma-separated) that launched its workload */
  WorkloadStarts(Path file, Supplier<Map<String, String>> launchers) {
    this.file = file;
    this.launchers = launchers;
  }

  /** A shell command that records the start, then sleeps {@code seconds}. */
  String script(double seconds) {
    return "echo \"$GPUCOMPUTE_JOB_NAME $(date +%s%N)\" >> " + file + "; sleep " + seconds;
  }

  List<Start> all() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      Map<String, String> launcherOf = launchers.get();
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(line -> {
        String[] parts = line.trim().split(" ");
        long nanos = Long.parseLong(parts[1]);
        return new Start(parts[0], launcherOf.getOrDefault(parts[0], ""),
            Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L));
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  /** How many times each job's workload started. */
  Map<String, Long> countsByJob() {
    return all().stream().collect(Collectors.groupingBy(Start::job, Collectors.counting()));
  }

  /** The starts by {@code replica}. */
  List<Start> by(String replica) {
    return all().stream().filter(s -> s.replica().equals(replica)).toList();
  }

  /** Which replica started each job. */
  Map<String, String> replicaByJob() {
    return all().stream().collect(Collectors.toMap(Start::job, Start::replica, (a, b) -> a + "," + b));
  }

  static <T> Map<T, Long> ones(List<T> keys) {
    return keys.stream().collect(Collectors.toMap(Function.identity(), k -> 1L));
  }
}
