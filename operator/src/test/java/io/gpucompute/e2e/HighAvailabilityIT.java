package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.DagTaskCounts;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.operator.leader.LeaseTiming;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * High availability under control-plane faults (issue #17, H1 to H5), with the operator as separate processes: the
 * shaded jar, two replicas on one Lease as the Helm chart runs them, on the Local provider (both replicas on this host,
 * sharing its state directory). Faults come from outside the operator: SIGKILL, SIGTERM, a TCP proxy that cuts a
 * replica off, the API server stopped, etcd compacted. The ground truth of "exactly once" is {@link WorkloadStarts}.
 *
 * <p>These tests stop the API server, so they run on a control plane of their own ({@code
 * operator/target/control-plane-ha}), with the API server's watch cache off so that watches reach etcd and its
 * compaction. Each test prints what it measured (docs/operations.md quotes the take-over times).
 */
@E2eTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HighAvailabilityIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final LeaseTiming LEASE = LeaseTiming.DEFAULT;
  /** The elector's next try: its retry period with up to 120 % jitter, plus scheduling on a busy 2-core machine. */
  private static final Duration NEXT_TRY = LEASE.retryPeriod().multipliedBy(3);
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  private ControlPlane plane;
  private KubernetesClient client;
  private String jobs;
  private Replicas replicas;
  private LeaseHistory lease;
  private WorkloadStarts starts;
  private Path dir;
  private final List<String> namespaces = new ArrayList<>();

  @BeforeAll
  void startTheHaControlPlane() {
    if (ControlPlaneExtension.skipped()) {
      return; // each test reports the skip
    }
    Path repoRoot = ControlPlaneExtension.repoRoot();
    plane = ControlPlane.start(repoRoot, repoRoot.resolve("operator/target/control-plane-ha"), Duration.ofMinutes(30),
        Map.of("CONTROL_PLANE_APISERVER_EXTRA_ARGS", "--watch-cache=false"));
    client = plane.client();
  }

  @AfterAll
  void stopTheHaControlPlane() {
    if (plane != null) {
      plane.close();
    }
  }

  /** A Lease namespace, a jobs namespace and a Local ProviderConfig of the same name, fresh for each test. */
  @BeforeEach
  void setUp(@TempDir Path tempDir) {
    dir = tempDir;
    jobs = namespace("ha-jobs");
    replicas = new Replicas(plane, namespace("ha-lease"), tempDir.resolve("local-state"));
    lease = replicas.lease();
    starts = new WorkloadStarts(tempDir.resolve("starts"), replicas::launchers);
  }

  /** A replica deletes what the test left (its finalizers stop the workloads), then every replica stops. */
  @AfterEach
  void cleanUp() {
    try {
      if (leftovers() && !replicas.anyRunning()) {
        replicas.start("cleaner");
      }
      deleteWhatTheTestLeft();
    } finally {
      replicas.close();
      client.resources(ProviderConfig.class).withName(jobs).delete();
      namespaces.forEach(ns -> client.namespaces().withName(ns).delete());
      namespaces.clear();
    }
  }

  /**
   * H1: the leader is SIGKILLed in the middle of a 30-task GpuDag. The other replica leads once the Lease expires;
   * every task runs exactly once and the DAG completes.
   */
  @Test
  void h1TheLeaderKilledMidDagIsReplacedWithinTheLeaseDurationAndEveryTaskRunsOnce() {
    applyLocalProvider(6);
    OperatorProcess a = replicas.startLeaderAndFollower("replica-a", plane.kubeconfig(), "replica-b");
    List<String> tasks = IntStream.range(0, 30).mapToObj(i -> String.format("t%02d", i)).toList();
    apply(DagManifests.wide(jobs, "wide", jobs, 8, tasks, starts.script(0.5)));

    await("8 of the DAG's tasks succeeded").atMost(WAIT).pollInterval(POLL).until(() -> succeededTasks("wide") >= 8);
    Instant killed = Instant.now();
    a.sigkill();

    lease.awaitHolder("replica-b", WAIT);
    Duration takeOver = Duration.between(killed, lease.acquiredBy("replica-b").orElseThrow());
    System.out.printf("e2e: H1 take-over after SIGKILL of the leader: %.1f s%n", takeOver.toMillis() / 1000.0);
    assertThat(takeOver).as("the other replica leads within the lease duration (and its next try)")
        .isLessThanOrEqualTo(LEASE.leaseDuration().plus(NEXT_TRY));
    await("GpuDag wide Succeeded").atMost(WAIT).pollInterval(POLL).until(() -> dagPhase("wide") == DagPhase.Succeeded);

    assertThat(starts.countsByJob()).as("each task's workload started exactly once")
        .isEqualTo(WorkloadStarts.ones(tasks.stream().map(t -> "wide-" + t).toList()));
    // Attributed by replica-a's own log of its launches, written while it lived. The times are the workloads' own
    // (a Local workload outlives the JVM that launched it), so one launched just before the kill may record a later
    // instant: they are not compared with the kill.
    assertThat(starts.by("replica-a")).as("tasks replica-a launched before it was killed").isNotEmpty();
    assertThat(starts.by("replica-b")).as("tasks the new leader started").isNotEmpty();
    assertThat(client.resources(GpuJob.class).inNamespace(jobs).list().getItems())
        .allSatisfy(job -> assertThat(job.getStatus().getAttempts()).as(job.getMetadata().getName()).isEqualTo(1));
  }

  /**
   * H2: the leader's connection to the API server is cut (a proxy drops everything). It keeps polling its workloads
   * until its renew deadline, then stops and exits; the other replica takes over once the Lease expires; the old leader
   * called no provider after it lost the Lease, and every job runs once.
   */
  @Test
  void h2ALeaderCutOffFromTheApiServerStopsAtItsRenewDeadlineAndTheOtherTakesOver() {
    applyLocalProvider(2);
    try (LoopbackProxy proxy = LoopbackProxy.to("127.0.0.1", client.getMasterUrl().getPort())) {
      Path throughProxy = proxy.kubeconfigThrough(plane.kubeconfig(), dir.resolve("kubeconfig-through-proxy"));
      OperatorProcess a = replicas.startLeaderAndFollower("replica-a", throughProxy, "replica-b");
      List<String> names = List.of("cut-1", "cut-2", "cut-3", "cut-4");
      for (String name : names) {
        // Two GPUs: cut-1 and cut-2 run across the cut; cut-3 and cut-4 wait for them.
        apply(OperatorE2eTestBase.shellJob(jobs, name, jobs, starts.script(name.compareTo("cut-3") < 0 ? 5 : 0.5)));
      }
      await("replica-a started two jobs").atMost(WAIT).pollInterval(POLL)
          .until(() -> starts.by("replica-a").size() == 2);
      long observesBefore = a.providerCalls("observe");

      Instant cut = Instant.now();
      proxy.cut();
      await("replica-a keeps polling its workloads while cut off").atMost(LEASE.renewDeadline()).pollInterval(POLL)
          .until(() -> a.providerCalls("observe") > observesBefore);
      await("replica-a exits").atMost(LEASE.leaseDuration()).pollInterval(Duration.ofMillis(50))
          .until(() -> !a.alive());
      Instant exited = a.exitedAt().orElseThrow();
      Instant lastRenewal = lease.lastRenewalBy("replica-a").orElseThrow();
      lease.awaitHolder("replica-b", WAIT);
      Instant bLeads = lease.acquiredBy("replica-b").orElseThrow();
      Matcher counted = Pattern.compile("the Lease was last renewed at (\\S+),").matcher(a.logText());
      assertThat(counted.find()).as("replica-a's log says when it counted its last renewal from").isTrue();
      System.out.printf("e2e: H2 cut-off leader exited %.1f s after its last renewal (%.1f s after the cut; it counted "
          + "that renewal from %.2f s after the Lease's stamp); replica-b leads %.1f s after the cut%n",
          seconds(lastRenewal, exited), seconds(cut, exited), seconds(lastRenewal, Instant.parse(counted.group(1))),
          seconds(cut, bLeads));

      assertThat(a.exitCode()).contains(1);
      assertThat(a.logText()).contains("lost leadership: the Lease was last renewed at");
      assertThat(Duration.between(lastRenewal, exited)).as("replica-a stops at its renew deadline (+1.5 s to exit)")
          .isLessThanOrEqualTo(LEASE.renewDeadline().plusMillis(1500));
      assertThat(exited).as("replica-a is gone before its Lease may expire, and before replica-b acquires it")
          .isBefore(lastRenewal.plus(LEASE.leaseDuration())).isBefore(bLeads);
      assertThat(starts.by("replica-a")).as("no workload started by replica-a after it lost the Lease")
          .allSatisfy(s -> assertThat(s.at()).isBefore(exited));
      names.forEach(name -> awaitPhase(name, JobPhase.Succeeded));
      assertThat(starts.countsByJob()).as("each job's workload started exactly once")
          .isEqualTo(WorkloadStarts.ones(names));
      assertThat(starts.by("replica-b")).as("replica-b started the jobs that waited for a GPU").hasSize(2);
    }
  }

  /** H3: SIGTERM to the leader: it releases the Lease at once, and the other replica leads within seconds. */
  @Test
  void h3ALeaderStoppedWithSigtermReleasesTheLeaseAndTheOtherLeadsInSeconds() {
    applyLocalProvider(1);
    OperatorProcess a = replicas.startLeaderAndFollower("replica-a", plane.kubeconfig(), "replica-b");
    apply(OperatorE2eTestBase.shellJob(jobs, "before", jobs, starts.script(0)));
    awaitPhase("before", JobPhase.Succeeded);

    Instant stopped = Instant.now();
    int exitCode = a.sigterm(Duration.ofSeconds(30));
    Instant exited = a.exitedAt().orElseThrow();
    lease.awaitHolder("replica-b", WAIT);
    Instant bLeads = lease.acquiredBy("replica-b").orElseThrow();
    System.out.printf("e2e: H3 leader exited %.1f s after SIGTERM; take-over after %.1f s%n", seconds(stopped, exited),
        seconds(stopped, bLeads));

    assertThat(exitCode).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
    assertThat(a.logText()).contains("released the Lease");
    assertThat(Duration.between(exited, bLeads)).as("the other replica leads at its next try, not once the Lease "
        + "expires").isLessThanOrEqualTo(NEXT_TRY);
    apply(OperatorE2eTestBase.shellJob(jobs, "after", jobs, starts.script(0)));
    awaitPhase("after", JobPhase.Succeeded);
    assertThat(starts.replicaByJob()).isEqualTo(Map.of("before", "replica-a", "after", "replica-b"));
  }

  /**
   * H4: the API server is stopped for 60 s while jobs and a DAG run. Probed every second as a kubelet would, with the
   * chart's liveness settings, no replica ever fails liveness (it reports the process); readiness reports the API
   * server. The leader cannot renew its Lease, so it stops at its renew deadline and, as Kubernetes restarts an
   * exited container, is started again: it waits for the API server instead of crash-looping. Once the API server is
   * back, every job and the DAG finish, and no workload starts twice.
   */
  @Test
  void h4AMinuteWithoutTheApiServerRestartsNoReplicaByLivenessAndWorkGoesOn() {
    Probe liveness = ChartDeployment.render("gpucompute", "gpucompute-system", Map.of()).getSpec().getTemplate()
        .getSpec().getContainers().get(0).getLivenessProbe();
    List<String> names = List.of("replica-a", "replica-b");
    ProbingKubelet kubelet = new ProbingKubelet(replicas, names,
        Duration.ofSeconds(liveness.getInitialDelaySeconds()));
    applyLocalProvider(3);
    replicas.startLeaderAndFollower("replica-a", plane.kubeconfig(), "replica-b");
    List<String> longJobs = List.of("long-1", "long-2");
    longJobs.forEach(name -> apply(OperatorE2eTestBase.shellJob(jobs, name, jobs, starts.script(10))));
    List<String> tasks = List.of("s1", "s2", "s3", "s4");
    apply(DagManifests.chain(jobs, "chain", jobs, tasks, starts.script(1)));
    await("the long jobs run and the DAG's first task succeeded").atMost(WAIT).pollInterval(POLL)
        .until(() -> starts.all().size() >= 3 && succeededTasks("chain") >= 1);

    ControlPlaneFaults faults = new ControlPlaneFaults(plane);
    faults.stopApiServer();
    Instant down = Instant.now();
    await("a minute without the API server").atMost(OUTAGE.plusSeconds(15)).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          kubelet.probe();
          return Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0;
        });
    faults.startApiServer();
    Instant up = Instant.now();
    await("the DAG and the jobs finish after the outage").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          kubelet.probe();
          return dagPhase("chain") == DagPhase.Succeeded
              && longJobs.stream().allMatch(n -> job(n).getStatus().getPhase() == JobPhase.Succeeded);
        });
    Instant done = Instant.now();
    await("both replicas ready again").atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      kubelet.probe();
      return names.stream().allMatch(n -> replicas.latest(n).status("/readyz") == 200);
    });
    System.out.printf("e2e: H4 API server away %.1f s; work done %.1f s and replicas ready %.1f s after it was back%n",
        seconds(down, up), seconds(up, done), seconds(up, Instant.now()));

    assertThat(kubelet.livenessFailures()).as("liveness probes that failed (each counts toward a restart)").isEmpty();
    assertThat(kubelet.notReady()).as("replicas that reported not ready while the API server was away")
        .containsAll(names);
    assertThat(kubelet.exits()).as("replicas that exited during the outage: the leader, at its renew deadline")
        .isNotEmpty().allSatisfy(exit -> assertThat(exit).contains("exit code 1", "lost leadership"));
    assertThat(starts.countsByJob()).as("each workload started exactly once").isEqualTo(WorkloadStarts.ones(
        Stream.concat(longJobs.stream(), tasks.stream().map(t -> "chain-" + t)).toList()));
  }

  /**
   * H5: while a replica is cut off from the API server, jobs are created and changed and etcd is compacted past what
   * its informers saw: their watch fails with 410 Gone when it resumes, they list again, and no event is missed.
   */
  @Test
  void h5InformersRelistAfterEtcdCompactionAndMissNoEvent() {
    applyLocalProvider(4);
    try (LoopbackProxy proxy = LoopbackProxy.to("127.0.0.1", client.getMasterUrl().getPort())) {
      Path throughProxy = proxy.kubeconfigThrough(plane.kubeconfig(), dir.resolve("kubeconfig-through-proxy"));
      // No leader election here (a cut leader would stop); fabric8 at DEBUG names each watch that got 410 Gone.
      OperatorProcess single = replicas.start("single", throughProxy,
          Map.of("GPUCOMPUTE_LEADER_ELECTION_NAMESPACE", "", "GPUCOMPUTE_FABRIC8_LOG_LEVEL", "DEBUG"));
      single.awaitReady(Replicas.START);
      apply(OperatorE2eTestBase.shellJob(jobs, "seen", jobs, starts.script(0)));
      apply(OperatorE2eTestBase.shellJob(jobs, "resumed", jobs, starts.script(0)).replace("""
            gpu:
          """, """
            suspend: true
            gpu:
          """));
      awaitPhase("seen", JobPhase.Succeeded);
      await("the suspended job is seen").atMost(WAIT).pollInterval(POLL)
          .until(() -> Optional.ofNullable(job("resumed").getStatus()).map(s -> s.getPhase() != null).orElse(false));

      proxy.cut();
      List<String> created = List.of("missed-1", "missed-2", "missed-3");
      created.forEach(name -> apply(OperatorE2eTestBase.shellJob(jobs, name, jobs, starts.script(0))));
      plane.kubectl().run("patch", "gpujob", "resumed", "-n", jobs, "--type=merge", "-p",
          "{\"spec\":{\"suspend\":false}}").assertSuccess();
      long revision = new ControlPlaneFaults(plane).compactEtcd();
      proxy.restore();

      Stream.concat(created.stream(), Stream.of("resumed")).forEach(name -> awaitPhase(name, JobPhase.Succeeded));
      System.out.printf("e2e: H5 etcd compacted at revision %d; the informers listed again%n", revision);
      assertThat(single.logText()).as("the informers' watch got 410 Gone and restarted with a new list")
          .containsPattern("Watch restarting due to http gone for .*gpujobs");
      assertThat(starts.countsByJob()).isEqualTo(WorkloadStarts.ones(List.of("seen", "missed-1", "missed-2",
          "missed-3", "resumed")));
      deleteWhatTheTestLeft(); // while the proxy, the operator's way to the API server, still runs
    }
  }

  // --- helpers ---

  private String namespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of(OperatorE2eTestBase.E2E_NAMESPACE_LABEL, "true")).endMetadata().build()).create();
    namespaces.add(name);
    return name;
  }

  /** A Local ProviderConfig named like the test's jobs namespace, with {@code gpus} A100s. */
  private void applyLocalProvider(int gpus) {
    apply(OperatorE2eTestBase.localProvider(jobs, gpus));
  }

  private void apply(String yaml) {
    plane.kubectl().runWithInput(yaml, "apply", "-f", "-").assertSuccess();
  }

  private void deleteWhatTheTestLeft() {
    client.resources(GpuDag.class).inNamespace(jobs).delete();
    client.resources(GpuJob.class).inNamespace(jobs).delete();
    await("every GpuDag and GpuJob of the test deleted (a replica's finalizer done)").atMost(WAIT).pollInterval(POLL)
        .until(() -> !leftovers());
  }

  private boolean leftovers() {
    return !client.resources(GpuJob.class).inNamespace(jobs).list().getItems().isEmpty()
        || !client.resources(GpuDag.class).inNamespace(jobs).list().getItems().isEmpty();
  }

  private GpuJob job(String name) {
    return client.resources(GpuJob.class).inNamespace(jobs).withName(name).get();
  }

  private void awaitPhase(String name, JobPhase phase) {
    await("GpuJob " + name + " " + phase).atMost(WAIT).pollInterval(POLL).until(() -> {
      GpuJob job = job(name);
      return job != null && job.getStatus() != null && job.getStatus().getPhase() == phase;
    });
  }

  private Optional<GpuDag> dag(String name) {
    return Optional.ofNullable(client.resources(GpuDag.class).inNamespace(jobs).withName(name).get())
        .filter(d -> d.getStatus() != null);
  }

  private DagPhase dagPhase(String name) {
    return dag(name).map(d -> d.getStatus().getPhase()).orElse(null);
  }

  private int succeededTasks(String name) {
    return dag(name).map(d -> d.getStatus().getCounts()).map(DagTaskCounts::getSucceeded).orElse(0);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
