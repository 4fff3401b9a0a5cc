package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.alibaba.EcsStubForBench;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * P5: a burst of instant jobs on an AlibabaECS ProviderConfig aimed at the project's ECS stub. Every job start and end
 * wakes the ProviderConfig's reconcile, which publishes its offers; the stub counts the DescribePrice calls that
 * price them (one per GPU type for each catalogue fetch).
 */
final class CatalogueScenario {

  private static final int JOBS = Integer.getInteger("bench.catalogue.jobs", 100);
  private static final Duration TTL = Duration.ofMinutes(5);

  private CatalogueScenario() {}

  static List<Row> run() throws Exception {
    try (EcsStubForBench ecs = new EcsStubForBench();
        BenchCluster cluster = BenchCluster.start("catalogue",
            Map.of("GPUCOMPUTE_OFFERS_TTL_SECONDS", Long.toString(TTL.toSeconds())))) {
      var client = cluster.client();
      BenchObjects.namespace(client);
      TestResources.createSecret(client, BenchObjects.NAMESPACE, "ecs-credentials", ecs.credentials());
      TestResources.createProviderConfig(client, "ecs", ecs.spec(), BenchObjects.NAMESPACE, "ecs-credentials");
      BenchObjects.awaitReady(client, "ecs");
      long ready = JobClock.now();
      long perFetch = ecs.calls("DescribePrice");
      try (JobClock clock = new JobClock(client, BenchObjects.NAMESPACE, "ecs-")) {
        BenchObjects.createAll(client, JOBS, 8, i -> BenchObjects.job(String.format("ecs-%04d", i), "ecs",
            List.of("true"), spec -> spec.setGpu(GpuRequest.of(EcsStubForBench.GPU_TYPE, 1))), clock);
        await("all " + JOBS + " ECS jobs released").atMost(Duration.ofMinutes(15))
            .pollInterval(Duration.ofMillis(500)).until(() -> clock.count(t -> t.released > 0) >= JOBS);
      }
      double seconds = (JobClock.now() - ready) / 1000.0;
      long prices = ecs.calls("DescribePrice");
      double fetches = perFetch == 0 ? 0 : (double) prices / perFetch;
      long allowed = (long) Math.ceil(seconds / TTL.toSeconds());
      System.out.printf("catalogue: %d DescribePrice calls (%d per catalogue fetch) in %.0f s from Ready over a burst of "
          + "%d jobs; %d ECS calls in all%n", prices, perFetch, seconds, JOBS, ecs.calls());
      return List.of(new Row("P5", String.format("%d instant jobs on an AlibabaECS ProviderConfig (ECS stub), offers "
              + "TTL %d s", JOBS, TTL.toSeconds()),
          String.format("%.0f catalogue fetch(es) (%d DescribePrice, %d per fetch) in the %.0f s from Ready to the "
              + "last job released", fetches, prices, perFetch, seconds),
          "≤ 1 per TTL per ProviderConfig", fetches <= allowed));
    }
  }
}
