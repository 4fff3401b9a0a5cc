package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * P1: 40 instant jobs on a Local ProviderConfig with 2 GPUs, the operator's default timings (a Queued job rechecks the
 * queue every 30 s). Measured on the GPUs themselves, from the Local provider's workload directories: for each GPU,
 * the time from one job's command ending (its {@code exit-code} file) to the next job's launch on that GPU
 * ({@code started-at}): how long a freed GPU waits for the operator.
 */
final class HandOffScenario {

  private static final int JOBS = 40;
  private static final int GPUS = 2;

  private HandOffScenario() {}

  /** One workload as its directory tells: the GPU it ran on, when it was launched, when its command ended. */
  private record Run(String gpu, Instant launched, Instant exited) {}

  static List<Row> run() throws Exception {
    try (BenchCluster cluster = BenchCluster.start("handoff", Map.of())) {
      var client = cluster.client();
      BenchObjects.namespace(client);
      BenchObjects.localProvider(client, "local", GPUS);
      try (JobClock clock = new JobClock(client, BenchObjects.NAMESPACE, "handoff-")) {
        BenchObjects.createAll(client, JOBS, 1,
            i -> BenchObjects.job(String.format("handoff-%03d", i), "local", List.of("true"), spec -> {}), clock);
        await("all " + JOBS + " jobs released").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
            .until(() -> clock.count(t -> t.released > 0) >= JOBS);
        long first = clock.jobs().values().stream().mapToLong(t -> t.created).min().orElseThrow();
        long last = clock.jobs().values().stream().mapToLong(t -> t.succeeded).max().orElseThrow();
        List<Long> gaps = idleGaps(runs(cluster.workloadsDir()));
        double p50 = Stats.percentile(gaps, 50);
        double max = Stats.max(gaps);
        System.out.printf("handoff: %d jobs on %d GPUs in %.1f s; a freed GPU waited p50 %s, p90 %s, max %s (%d hand-offs)%n",
            JOBS, GPUS, (last - first) / 1000.0, Stats.seconds(p50), Stats.seconds(Stats.percentile(gaps, 90)),
            Stats.seconds(max), gaps.size());
        return List.of(new Row("P1", String.format("%d instant jobs, Local, %d GPUs, queue recheck 30 s", JOBS, GPUS),
            String.format("a freed GPU waited p50 %s, max %s (%d hand-offs; all done in %.1f s)", Stats.seconds(p50),
                Stats.seconds(max), gaps.size(), (last - first) / 1000.0),
            "p50 ≤ 1 s", p50 <= 1000));
      }
    }
  }

  /** For each GPU, the time from each command's end to the next launch on it, in ms. */
  private static List<Long> idleGaps(List<Run> runs) {
    Map<String, List<Run>> byGpu = new HashMap<>();
    runs.forEach(r -> byGpu.computeIfAbsent(r.gpu(), g -> new ArrayList<>()).add(r));
    List<Long> gaps = new ArrayList<>();
    for (List<Run> onGpu : byGpu.values()) {
      onGpu.sort(Comparator.comparing(Run::launched));
      for (int i = 1; i < onGpu.size(); i++) {
        gaps.add(Duration.between(onGpu.get(i - 1).exited(), onGpu.get(i).launched()).toMillis());
      }
    }
    return gaps;
  }

  private static List<Run> runs(Path workloads) {
    try (Stream<Path> dirs = Files.list(workloads)) {
      List<Run> runs = new ArrayList<>();
      for (Path dir : dirs.toList()) {
        runs.add(new Run(Files.readString(dir.resolve("devices")).strip(),
            Instant.parse(Files.readString(dir.resolve("started-at")).strip()),
            Files.getLastModifiedTime(dir.resolve("exit-code")).toInstant()));
      }
      return runs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
