package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.provider.kubernetes.KubernetesTestSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * P4: jobs that hold workloads while nothing changes, watched for a while (5 minutes by default): {@code n} Local jobs
 * running {@code sleep} and {@code n} jobs on a Kubernetes ProviderConfig (batch Jobs on the bench's own control
 * plane, whose pods stay Pending: it has no nodes). The API server counts every write and the operator's listings of
 * Jobs and pods (the Kubernetes provider's calls); Local's calls are reads of its workload directories, which no stub
 * can count.
 */
final class IdleScenario {

  private static final Duration POLL = Duration.ofSeconds(10);

  private IdleScenario() {}

  static List<Row> run() throws Exception {
    int n = Integer.getInteger("bench.idle.jobs", 2000);
    Duration idle = Duration.ofSeconds(Long.getLong("bench.idle.seconds", 300));
    // The CronJob controller lists every Job every 10 s: off, so the API server's count of Job listings is the
    // operator's.
    try (BenchCluster cluster = BenchCluster.start("idle", Map.of(),
        Map.of("CONTROL_PLANE_CONTROLLER_MANAGER_EXTRA_ARGS", "--controllers=*,-cronjob"))) {
      var client = cluster.client();
      BenchObjects.namespace(client);
      BenchObjects.localProvider(client, "local", n);
      ProviderConfig kubernetes = new ProviderConfig();
      kubernetes.setMetadata(new ObjectMetaBuilder().withName("cluster").build());
      kubernetes.setSpec(KubernetesTestSupport.spec(k -> {}));
      client.resource(kubernetes).create();
      BenchObjects.awaitReady(client, "cluster");
      try (JobClock local = new JobClock(client, BenchObjects.NAMESPACE, "sleep-");
          JobClock jobs = new JobClock(client, BenchObjects.NAMESPACE, "kube-")) {
        BenchObjects.createAll(client, n, 8, i -> BenchObjects.job(String.format("sleep-%05d", i), "local",
            List.of("sleep", "3600"), spec -> {}), local);
        BenchObjects.createAll(client, n, 8, i -> BenchObjects.job(String.format("kube-%05d", i), "cluster",
            List.of("sleep", "3600"), spec -> {}), jobs);
        await("all jobs hold an observed workload").atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1))
            .until(() -> local.count(t -> t.observed > 0) >= n && jobs.count(t -> t.observed > 0) >= n);
      }
      System.out.printf("idle: %d Local and %d Kubernetes jobs hold workloads; settling%n", n, n);
      settle(cluster);
      ApiServerCounters before = cluster.counters();
      ProcessCpu cpuBefore = cluster.cpu();
      Thread.sleep(idle.toMillis());
      ApiServerCounters during = cluster.counters().since(before);
      ProcessCpu cpu = cluster.cpu().since(cpuBefore);
      long rounds = idle.toSeconds() / POLL.toSeconds();
      long writes = during.allWrites();
      long jobWrites = during.writes("gpujobs");
      long lists = during.count("jobs", java.util.Set.of("LIST")) + during.count("pods", java.util.Set.of("LIST"));
      long gets = during.count("jobs", java.util.Set.of("GET")) + during.count("pods", java.util.Set.of("GET"));
      long pages = 2 * (long) Math.ceil(n / 500.0);
      // The ProviderConfig's probe lists one Job (to check its access) every GPUCOMPUTE_PROBE_SECONDS (60 s).
      long probes = idle.toSeconds() / 60 + 1;
      System.out.printf("idle: in %d s: %d writes (%d to GpuJobs), %d LIST and %d GET of jobs/pods; CPU %s%n%s",
          idle.toSeconds(), writes, jobWrites, lists, gets, cpu.describe((int) idle.toSeconds(), "s"),
          during.describe());
      String where = String.format("%,d Local + %,d Kubernetes jobs holding workloads, nothing changes, %d s", n, n,
          idle.toSeconds());
      return List.of(
          new Row("P4", where, String.format("%.2f API writes/s (%d in all, %d to GpuJobs); operator CPU %.1f %% of a "
              + "core", writes / (double) idle.toSeconds(), writes, jobWrites,
              100 * cpu.seconds().get("operator") / idle.toSeconds()), "0 writes/s", writes == 0),
          new Row("P4", where, String.format("Kubernetes: %.1f list calls per poll interval (%d in %d rounds, probes "
              + "included; %d pages of 500 a round) and %d single GETs, for %,d workloads; Local: 0 remote calls",
              lists / (double) rounds, lists, rounds, pages, gets, n), "one listing per ProviderConfig per interval, calls grow with pages",
              lists <= (rounds + 1) * pages + probes && gets == 0));
    }
  }

  /**
   * Waits until the cluster is quiet: no API write at all for three poll intervals. The kube-controller-manager goes
   * on creating the Kubernetes jobs' pods (and the operator on recording what that changes) well after every job was
   * first observed, and those are not the idle cost being measured. Gives up after 15 minutes, and the measurement
   * then shows what still writes.
   */
  private static void settle(BenchCluster cluster) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (System.nanoTime() < until) {
      ApiServerCounters before = cluster.counters();
      Thread.sleep(3 * POLL.toMillis());
      long writes = cluster.counters().since(before).allWrites();
      if (writes == 0) {
        return;
      }
      System.out.printf("idle: %d writes in the last %d s; still settling%n", writes, 3 * POLL.toSeconds());
    }
    System.out.println("idle: not quiet after 15 minutes; measuring anyway");
  }
}
