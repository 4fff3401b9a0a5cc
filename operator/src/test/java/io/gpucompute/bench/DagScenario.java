package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.GpuDag;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * P7: fan-out GpuDags (one root, N-1 tasks that depend on it, each running {@code true} on one A100) on a Local
 * ProviderConfig with 64 GPUs and parallelism 64, as {@link GpuDagBenchmark} runs them on the mock server, here on the
 * real API server: wall time per task of each size against the smallest, and the size of the stored GpuDag.
 */
final class DagScenario {

  private static final int GPUS = 64;
  private static final long MAX_OBJECT_BYTES = 512 * 1024;

  private DagScenario() {}

  private record Result(int tasks, double seconds, int objectBytes, int statusBytes) {
    double perTaskMs() {
      return 1000 * seconds / tasks;
    }
  }

  static List<Row> run(int... sizes) throws Exception {
    try (BenchCluster cluster = BenchCluster.start("dag", Map.of())) {
      var client = cluster.client();
      BenchObjects.namespace(client);
      BenchObjects.localProvider(client, "local", GPUS);
      List<Result> results = new ArrayList<>();
      for (int n : sizes) {
        String name = "fanout-" + n;
        long start = JobClock.now();
        client.resource(GpuDagBenchmark.dag(name, n)).create();
        GpuDag done = await("GpuDag " + name + " Succeeded").atMost(Duration.ofMinutes(30))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> client.resources(GpuDag.class).inNamespace(BenchObjects.NAMESPACE).withName(name).get(),
                dag -> dag.getStatus() != null && dag.getStatus().getPhase() == DagPhase.Succeeded);
        double seconds = (JobClock.now() - start) / 1000.0;
        var json = client.getKubernetesSerialization();
        Result result = new Result(n, seconds, json.asJson(done).getBytes(StandardCharsets.UTF_8).length,
            json.asJson(done.getStatus()).getBytes(StandardCharsets.UTF_8).length);
        results.add(result);
        System.out.printf("dag: %,d tasks in %.1f s (%.1f ms per task); the GpuDag is %,d bytes (status %,d)%n", n,
            seconds, result.perTaskMs(), result.objectBytes(), result.statusBytes());
      }
      Result base = results.get(0);
      List<Row> rows = new ArrayList<>();
      for (Result r : results.subList(1, results.size())) {
        double ratio = r.perTaskMs() / base.perTaskMs();
        rows.add(new Row("P7", String.format("fan-out GpuDag, %d GPUs, parallelism 64, %,d tasks", GPUS, r.tasks()),
            String.format("completed in %.1f s: %.1f ms per task, %.2f× the %,d-task run's %.1f ms; GpuDag %,d bytes",
                r.seconds(), r.perTaskMs(), ratio, base.tasks(), base.perTaskMs(), r.objectBytes()),
            "completes; ≤ 2× per task; < 512 KiB", ratio <= 2.0 && r.objectBytes() < MAX_OBJECT_BYTES));
      }
      return rows;
    }
  }
}
