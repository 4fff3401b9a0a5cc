package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * P2 and P3: {@code jobs} instant jobs ({@code true}) created at once from 8 threads on a Local ProviderConfig with
 * 1,024 GPUs. Throughput from the first create to the last Succeeded; latency from each create to its Succeeded; the
 * API server's writes to GpuJobs per job besides its create (and Events apart).
 */
final class BurstScenario {

  private static final int GPUS = 1024;
  private static final int THREADS = 8;
  /** Jobs run before the measured burst, so the operator's JVM has compiled its hot code, as a running one has. */
  static final int WARM_UP_JOBS = Integer.getInteger("bench.warmup.jobs", 500);

  private BurstScenario() {}

  /** Runs {@link #WARM_UP_JOBS} instant jobs through the operator and waits until all are released. */
  static void warmUp(io.fabric8.kubernetes.client.KubernetesClient client) throws Exception {
    if (WARM_UP_JOBS == 0) {
      return;
    }
    try (JobClock clock = new JobClock(client, BenchObjects.NAMESPACE, "warm-up-")) {
      BenchObjects.createAll(client, WARM_UP_JOBS, THREADS,
          i -> BenchObjects.job(String.format("warm-up-%05d", i), "local", List.of("true"), spec -> {}), clock);
      await("the warm-up jobs released").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
          .until(() -> clock.count(t -> t.released > 0) >= WARM_UP_JOBS);
    }
    System.out.printf("burst: %d warm-up jobs done%n", WARM_UP_JOBS);
  }

  static List<Row> run(int jobs) throws Exception {
    try (BenchCluster cluster = BenchCluster.start("burst", Map.of())) {
      var client = cluster.client();
      BenchObjects.namespace(client);
      BenchObjects.localProvider(client, "local", GPUS);
      warmUp(client);
      try (JobClock clock = new JobClock(client, BenchObjects.NAMESPACE, "burst-")) {
        ApiServerCounters before = cluster.counters();
        ProcessCpu cpuBefore = cluster.cpu();
        BenchObjects.createAll(client, jobs, THREADS,
            i -> BenchObjects.job(String.format("burst-%05d", i), "local", List.of("true"), spec -> {}), clock);
        await("all " + jobs + " jobs Succeeded and released").atMost(Duration.ofMinutes(15))
            .pollInterval(Duration.ofMillis(200)).until(() -> clock.count(t -> t.released > 0) >= jobs);
        // The last status writes and Events of the run reach the API server.
        Thread.sleep(3000);
        ApiServerCounters during = cluster.counters().since(before);
        ProcessCpu cpu = cluster.cpu().since(cpuBefore);
        cluster.stopOperator();

        long first = clock.jobs().values().stream().mapToLong(t -> t.created).min().orElseThrow();
        long last = clock.jobs().values().stream().mapToLong(t -> t.succeeded).max().orElseThrow();
        long created = clock.jobs().values().stream().mapToLong(t -> t.created).max().orElseThrow();
        System.out.printf("burst: the %d creates took %.1f s%n", jobs, (created - first) / 1000.0);
        double rate = jobs / ((last - first) / 1000.0);
        List<Long> latency = new ArrayList<>();
        clock.jobs().values().forEach(t -> latency.add(t.succeeded - t.created));
        double p50 = Stats.percentile(latency, 50);
        double p99 = Stats.percentile(latency, 99);
        double writes = (during.writes("gpujobs") - during.creates("gpujobs")) / (double) jobs;
        double events = during.creates("events") / (double) jobs;
        System.out.printf("burst: %d jobs in %.1f s: %.1f jobs/s; create->Succeeded p50 %s, p99 %s%n", jobs,
            (last - first) / 1000.0, rate, Stats.seconds(p50), Stats.seconds(p99));
        System.out.printf("burst: API requests during the run:%n%s", during.describe());
        System.out.printf("burst: CPU: %s%n", cpu.describe(jobs, "job"));
        String where = String.format("%,d instant jobs, Local, %,d GPUs, %d creating threads, after %,d warm-up jobs",
            jobs, GPUS, THREADS, WARM_UP_JOBS);
        return List.of(
            new Row("P2", where, String.format("%.1f jobs/s (%,d in %.1f s)", rate, jobs, (last - first) / 1000.0),
                "≥ 100 jobs/s", rate >= 100),
            new Row("P2", where, "create→Succeeded p50 " + Stats.seconds(p50) + ", p99 " + Stats.seconds(p99),
                "p99 ≤ 15 s", p99 <= 15_000),
            new Row("P3", where, String.format("%.2f GpuJob writes per job besides the create; Events: %.2f per job",
                writes, events), "≤ 5 (write-ahead of the submit exists)", writes <= 5.0));
      }
    }
  }
}
