package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * P6: the operator's memory with many GpuJobs: half of them finished (instant jobs on a Local ProviderConfig), half
 * queued behind one running job on a Local ProviderConfig with one GPU. The operator runs with the chart's JVM
 * options and memory limit; the live heap comes from a class histogram (after a full GC) less the one taken before the
 * jobs, the resident memory from /proc.
 */
final class MemoryScenario {

  private static final long MAX_RSS = 400L * 1024 * 1024;
  private static final long MAX_HEAP_PER_JOB = 6 * 1024;

  private MemoryScenario() {}

  static List<Row> run() throws Exception {
    int n = Integer.getInteger("bench.memory.jobs", 10_000);
    int finished = n / 2;
    int queued = n - finished;
    try (BenchCluster cluster = BenchCluster.start("memory", Map.of())) {
      var client = cluster.client();
      BenchObjects.namespace(client);
      BenchObjects.localProvider(client, "local", 64);
      BenchObjects.localProvider(client, "queue", 1);
      long pid = cluster.operator().pid();
      long baseline = JvmProbe.liveBytes(JvmProbe.histogram(pid));
      try (JobClock done = new JobClock(client, BenchObjects.NAMESPACE, "done-");
          JobClock waiting = new JobClock(client, BenchObjects.NAMESPACE, "wait-")) {
        BenchObjects.createAll(client, finished, 8, i -> BenchObjects.job(String.format("done-%05d", i), "local",
            List.of("true"), spec -> {}), done);
        await("the finished half released").atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1))
            .until(() -> done.count(t -> t.released > 0) >= finished);
        client.resource(BenchObjects.job("blocker", "queue", List.of("sleep", "3600"), spec -> {})).create();
        BenchObjects.createAll(client, queued, 8, i -> BenchObjects.job(String.format("wait-%05d", i), "queue",
            List.of("true"), spec -> {}), waiting);
        await("the queued half Queued").atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1))
            .until(() -> waiting.count(t -> t.queued > 0) >= queued);
      }
      Thread.sleep(20_000);
      String histogram = JvmProbe.histogram(pid);
      long live = JvmProbe.liveBytes(histogram);
      long rss = JvmProbe.rssBytes(pid);
      double perJob = (live - baseline) / (double) (n + 1);
      boolean alive = cluster.operator().alive();
      System.out.printf("memory: %,d jobs: live heap %.1f MiB (%.1f MiB before the jobs): %.2f KiB per job; RSS %.0f "
          + "MiB; limit %.0f MiB; the operator %s%n%s%n", n + 1, live / 1048576.0, baseline / 1048576.0,
          perJob / 1024, rss / 1048576.0, ChartJvm.memoryLimitBytes() / 1048576.0, alive ? "runs" : "DIED",
          JvmProbe.top(histogram, 25));
      String where = String.format("%,d GpuJobs (%,d finished, %,d queued), the chart's JVM options and %.0f MiB limit",
          n, finished, queued, ChartJvm.memoryLimitBytes() / 1048576.0);
      return List.of(
          new Row("P6", where, String.format("live heap %.2f KiB per job (%.1f MiB in all, %.1f MiB before the jobs)",
              perJob / 1024, live / 1048576.0, baseline / 1048576.0), "≤ 6 KiB per job", perJob <= MAX_HEAP_PER_JOB),
          new Row("P6", where, String.format("RSS %.0f MiB; the operator %s", rss / 1048576.0,
              alive ? "runs" : "died"), "≤ 400 MiB, inside the limit", alive && rss <= MAX_RSS));
    }
  }
}
