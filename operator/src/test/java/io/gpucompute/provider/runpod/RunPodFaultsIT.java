package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.RateLimit;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.E2eTest;
import io.gpucompute.e2e.FaultFixture;
import io.gpucompute.e2e.StatusWriteBlocker;
import io.gpucompute.job.JobCondition;
import io.gpucompute.job.JobReason;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-safety cases of docs/reliability.md on RunPod: the operator runs as its own process against the real API
 * server, the RunPod stub is the provider, and every fault comes from outside the operator (SIGKILL, a stub that holds
 * or fails its answers, an admission webhook that fails status writes). Each case is judged by the stub's own ledger:
 * pods created per attempt, pods left alive, and how often each command ran.
 */
@E2eTest
class RunPodFaultsIT {

  private static final Duration WAIT = FaultFixture.WAIT;

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path dir;

  private FaultFixture fixture;
  private KubernetesClient client;
  private String config;
  private final List<String> configs = new java.util.ArrayList<>();

  @BeforeEach
  void start(ControlPlane plane) {
    fixture = FaultFixture.start(plane, "e2e-faults", dir.resolve("local"), Map.of(
        "GPUCOMPUTE_ORPHAN_SWEEP_SECONDS", "1", "GPUCOMPUTE_ORPHAN_GRACE_SECONDS", "2"));
    client = fixture.client();
    config = fixture.namespace();
    TestResources.createSecret(client, fixture.namespace(), "runpod", Map.of("apiKey", RunPodStub.API_KEY));
    ProviderConfigSpec spec = RunPodTestSupport.spec(runpod.stub(), r -> {});
    spec.setPrices(List.of(new GpuPrice("A100", "3.60")));
    spec.setRateLimit(new RateLimit(5, 10, 4));
    createRunPodConfig(config, spec);
  }

  private ProviderConfig createRunPodConfig(String name, ProviderConfigSpec spec) {
    configs.add(name);
    return TestResources.createProviderConfig(client, name, spec, fixture.namespace(), "runpod");
  }

  @AfterEach
  void stop() {
    runpod.stub().endOutage();
    runpod.stub().releaseHeld();
    fixture.close(configs.toArray(String[]::new));
  }

  private GpuJob job(String name, String script, int backoffLimit) {
    return fixture.create(TestResources.shellJob(fixture.namespace(), name, config, script,
        s -> s.setBackoffLimit(backoffLimit)));
  }

  /** A file the job's command appends one line to at each run; its lines count the runs. */
  private Path runs(String name) {
    return dir.resolve(name + ".runs");
  }

  private String appendRun(String name) {
    return "echo run >> " + runs(name);
  }

  /**
   * A command that waits until the test {@link #open opens} the gate named {@code name}: the test decides when the
   * workload ends, so no step races a command's own clock on a loaded machine.
   */
  private String waitFor(String name) {
    return TestResources.untilExists(dir.resolve(name + ".gate"));
  }

  private void open(String name) throws Exception {
    Files.createFile(dir.resolve(name + ".gate"));
  }

  private List<String> linesOf(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private List<RunPodStub.Pod> pods(GpuJob job) {
    return runpod.stub().allPods().stream().filter(p -> p.name.startsWith("gpujob-" + job.getMetadata().getUid()))
        .toList();
  }

  private void awaitNothingLive(GpuJob job) {
    await("no pod of " + job.getMetadata().getName() + " left alive").atMost(WAIT)
        .until(() -> pods(job).stream().allMatch(RunPodStub.Pod::gone));
  }

  /** F1: SIGKILL after the create, before any status write; restart: one workload for the attempt, one run. */
  @Test
  void f1AKillBetweenTheCreateAndTheStatusWriteMakesNoSecondPodAndTheJobFinishesOnce() throws Exception {
    runpod.stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.effectThenHold());
    GpuJob job = job("f1", appendRun("f1") + "; sleep 1", 0);
    await("the pod is created and its answer held").atMost(WAIT).until(() -> runpod.stub().holding() == 1);
    GpuJob recorded = fixture.awaitJob("f1", "with attempt 1 recorded", s -> Integer.valueOf(1).equals(s.getAttempts()));

    fixture.killOperator();
    runpod.stub().releaseHeld();
    assertThat(recorded.getStatus().getExternalId()).as("the kill came before the submit's status write").isNull();
    fixture.startOperator();

    GpuJob done = fixture.awaitJob("f1", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(runpod.stub().podsNamed(FaultFixture.workloadName(job, 1))).as("pods of attempt 1").hasSize(1);
    assertThat(pods(job)).as("pods of the job").hasSize(1);
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    assertThat(new BigDecimal(done.getStatus().getAccruedCost())).as("billed from the attempt's record").isPositive();
    awaitNothingLive(job);
    assertThat(linesOf(runs("f1"))).as("runs of the command").hasSize(1);
  }

  /** F2: as F1, and the GpuJob is deleted while the operator is down: nothing is left at the provider. */
  @Test
  void f2AJobDeletedWhileTheOperatorIsDownLeavesNoPod() {
    runpod.stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.effectThenHold());
    GpuJob job = job("f2", "sleep 300", 0);
    await("the pod is created and its answer held").atMost(WAIT).until(() -> runpod.stub().holding() == 1);
    fixture.awaitJob("f2", "with attempt 1 recorded", s -> Integer.valueOf(1).equals(s.getAttempts()));

    fixture.killOperator();
    runpod.stub().releaseHeld();
    client.resource(job).delete();
    fixture.startOperator();

    await("the job is gone").atMost(WAIT).until(() -> fixture.job("f2") == null);
    assertThat(pods(job)).as("pods of the job").hasSize(1);
    awaitNothingLive(job);
  }

  /** F3: the workload finishes while the operator is down: Succeeded or Failed with its exit code, not run again. */
  @Test
  void f3AWorkloadThatEndsWhileTheOperatorIsDownKeepsItsOutcomeAndIsNotRunAgain() throws Exception {
    GpuJob ok = job("f3-ok", appendRun("f3-ok") + "; " + waitFor("f3"), 2);
    GpuJob bad = job("f3-bad", appendRun("f3-bad") + "; " + waitFor("f3") + "; exit 7", 0);
    for (String name : List.of("f3-ok", "f3-bad")) {
      fixture.awaitJob(name, "Running", s -> s.getPhase() == JobPhase.Running);
    }

    fixture.killOperator();
    open("f3");
    await("both commands ended at the provider").atMost(WAIT).until(() -> pods(ok).get(0).logLines().stream()
        .anyMatch(l -> l.endsWith("exit-code=0")) && pods(bad).get(0).logLines().stream()
        .anyMatch(l -> l.endsWith("exit-code=7")));
    Instant restart = Instant.now();
    fixture.startOperator();

    GpuJob succeeded = fixture.awaitJob("f3-ok", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
    GpuJob failed = fixture.awaitJob("f3-bad", "Failed", s -> s.getPhase() == JobPhase.Failed);
    assertThat(succeeded.getStatus().getExitCode()).isZero();
    assertThat(succeeded.getStatus().getAttempts()).isEqualTo(1);
    assertThat(failed.getStatus().getExitCode()).isEqualTo(7);
    assertThat(failed.getStatus().getAttempts()).isEqualTo(1);
    // 3.60 USD/h from the attempt's record to the restart, at least: the pods billed while the operator was down.
    assertThat(new BigDecimal(succeeded.getStatus().getAccruedCost()))
        .isGreaterThanOrEqualTo(cost(Instant.parse(succeeded.getStatus().getStartTime()), restart));
    assertThat(linesOf(runs("f3-ok"))).hasSize(1);
    assertThat(linesOf(runs("f3-bad"))).hasSize(1);
    assertThat(pods(ok)).hasSize(1);
    assertThat(pods(bad)).hasSize(1);
    awaitNothingLive(ok);
    awaitNothingLive(bad);
  }

  private static BigDecimal cost(Instant from, Instant to) {
    return new BigDecimal("3.60").multiply(BigDecimal.valueOf(Duration.between(from, to).toMillis()))
        .divide(BigDecimal.valueOf(3_600_000), 6, java.math.RoundingMode.DOWN);
  }

  /** F4: the terminal status write fails for a while: the pod is not released until the status is saved; one run. */
  @Test
  void f4AWorkloadIsNotReleasedBeforeItsOutcomeIsSaved() throws Exception {
    try (StatusWriteBlocker blocker = StatusWriteBlocker.start(client, fixture.namespace(), dir)) {
      blocker.block(true);
      GpuJob job = job("f4", appendRun("f4"), 0);
      await("a terminal status write refused, then another").atMost(WAIT).until(() -> blocker.denied() >= 3);

      assertThat(fixture.job("f4").getStatus().getPhase()).isNotIn(JobPhase.Succeeded, JobPhase.Failed);
      assertThat(pods(job)).singleElement().satisfies(pod -> assertThat(pod.live())
          .as("the pod is kept while its outcome is not saved").isTrue());

      blocker.block(false);
      GpuJob done = fixture.awaitJob("f4", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
      assertThat(done.getStatus().getExitCode()).isZero();
      awaitNothingLive(job);
      assertThat(pods(job)).hasSize(1);
      assertThat(linesOf(runs("f4"))).hasSize(1);
    }
  }

  /**
   * F5: spec.providerConfigRef is edited while an attempt runs: the attempt finishes on the ProviderConfig it started
   * on (never orphaned there), the job says so, and the next attempt runs on the new one.
   */
  @Test
  void f5AProviderChangeMidRunKeepsTheAttemptWhereItStartedAndMovesTheNextOne() throws Exception {
    String other = config + "-b";
    ProviderConfigSpec otherSpec = RunPodTestSupport.spec(runpod.stub(), r -> {});
    otherSpec.setPrices(List.of(new GpuPrice("A100", "3.60")));
    ProviderConfig b = createRunPodConfig(other, otherSpec);
    Path marker = dir.resolve("f5.first-attempt");
    GpuJob job = job("f5", appendRun("f5") + "; if [ -e " + marker + " ]; then exit 0; fi; touch " + marker
        + "; " + waitFor("f5") + "; exit 1", 1);
    fixture.awaitJob("f5", "Running", s -> s.getPhase() == JobPhase.Running);
    String firstUid = client.resources(ProviderConfig.class).withName(config).get().getMetadata().getUid();

    client.resources(GpuJob.class).inNamespace(fixture.namespace()).withName("f5")
        .edit(j -> {
          j.getSpec().getProviderConfigRef().setName(other);
          return j;
        });
    GpuJob pending = fixture.awaitJob("f5", "saying the change waits", s -> Conditions.find(s.getConditions(),
        JobCondition.RECONCILING).map(c -> JobReason.PROVIDER_CHANGE_PENDING.toString().equals(c.getReason())).orElse(false));
    assertThat(pending.getStatus().getWorkload().getProviderConfigUid()).isEqualTo(firstUid);
    open("f5");

    GpuJob done = fixture.awaitJob("f5", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(done.getStatus().getAttempts()).isEqualTo(2);
    assertThat(done.getStatus().getWorkload().getProviderConfigUid()).isEqualTo(b.getMetadata().getUid());
    assertThat(done.getStatus().getEarlierAttempts()).singleElement().satisfies(range -> {
      assertThat(range.getFirstAttempt()).isEqualTo(1);
      assertThat(range.getLastAttempt()).isEqualTo(1);
      assertThat(range.getProviderConfigUid()).isEqualTo(firstUid);
    });
    assertThat(runpod.stub().podsNamed(FaultFixture.workloadName(job, 1))).hasSize(1);
    assertThat(runpod.stub().podsNamed(FaultFixture.workloadName(job, 2))).hasSize(1);
    awaitNothingLive(job);
    assertThat(linesOf(runs("f5"))).hasSize(2);
  }

  /**
   * F7: a pod of this installation whose GpuJob does not exist is deleted after the grace period, with an Event; a pod
   * of another installation in the same account is left alone.
   */
  @Test
  void f7TheOrphanSweepDeletesThisInstallationsOrphansAndNoOneElses() throws ProviderException {
    String installation = client.namespaces().withName("kube-system").get().getMetadata().getUid();
    GpuProvider other = new RunPodProviderFactory(RunPodTestSupport.settings(dir)).create("other-cluster",
        RunPodTestSupport.spec(runpod.stub(), r -> {}), RunPodTestSupport.credentials(RunPodStub.API_KEY));
    WorkloadKey ours = RunPodTestSupport.newKey("orphan");
    WorkloadKey theirs = RunPodTestSupport.newKey("foreign");
    other.submit(RunPodTestSupport.shell(ours, "sleep 300").forInstallation(installation));
    other.submit(RunPodTestSupport.shell(theirs, "sleep 300").forInstallation("another-installation"));
    try {
      await("the orphan deleted").atMost(WAIT).until(() -> runpod.stub().podsNamed(ours.workloadName()).stream()
          .allMatch(RunPodStub.Pod::gone));
      assertThat(runpod.stub().podsNamed(theirs.workloadName())).singleElement()
          .satisfies(pod -> assertThat(pod.live()).as("another installation's pod").isTrue());
      await("an Event about the orphan").atMost(WAIT).until(() -> client.v1().events().inAnyNamespace().list()
          .getItems().stream().anyMatch(e -> "OrphansDeleted".equals(e.getReason())
              && e.getMessage().contains(ours.workloadName())));
      assertThat(fixture.operator().body("/metrics").orElse(""))
          .containsPattern("gpucompute_orphans_deleted_total\\{provider=\"RunPod/" + config + "\"\\} [1-9]");
    } finally {
      other.cancel(theirs);
      other.cancel(ours);
    }
  }

  /**
   * F8: the provider answers 503 and times out for a while: jobs wait with a reason and none fails, the calls to it
   * stay under its rate limit, and everything completes once it is back.
   */
  @Test
  void f8JobsWaitOutAProviderOutageWithinTheRateLimitAndThenComplete() throws Exception {
    List<String> names = List.of("f8-a", "f8-b", "f8-c");
    await("the ProviderConfig is Ready").atMost(WAIT).until(() -> {
      ProviderConfig pc = client.resources(ProviderConfig.class).withName(config).get();
      return pc.getStatus() != null && Conditions.isTrue(pc.getStatus().getConditions(), "Ready");
    });
    runpod.stub().startOutage(4);
    Instant outageStart = Instant.now();
    List<GpuJob> jobs = names.stream().map(name -> job(name, appendRun(name), 0)).toList();
    for (String name : names) {
      // Retrying its submit, or waiting for the ProviderConfig, whose probe fails during the outage too.
      fixture.awaitJob(name, "waiting with a reason", s -> Conditions.find(s.getConditions(), JobCondition.RECONCILING)
          .map(c -> "True".equals(c.getStatus()) && (c.getMessage().startsWith("retrying")
              || JobReason.PROVIDER_NOT_READY.toString().equals(c.getReason()))).orElse(false));
    }
    await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
    Instant outageEnd = Instant.now();
    for (String name : names) {
      assertThat(fixture.job(name).getStatus().getPhase()).isNotIn(JobPhase.Failed, JobPhase.Succeeded);
    }
    runpod.stub().endOutage();

    for (String name : names) {
      fixture.awaitJob(name, "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
      assertThat(linesOf(runs(name))).hasSize(1);
    }
    for (GpuJob job : jobs) {
      assertThat(pods(job)).hasSize(1);
      awaitNothingLive(job);
    }
    List<Instant> calls = runpod.stub().calls().stream().map(RunPodStub.Call::at)
        .filter(at -> !at.isBefore(outageStart) && at.isBefore(outageEnd)).toList();
    assertThat(calls).as("the operator kept asking during the outage").isNotEmpty();
    assertThat(busiestSecond(calls)).as("calls in the busiest second (limit: 5/s, burst 10)").isLessThanOrEqualTo(15);
  }

  /** The most calls in any one-second window. */
  private static int busiestSecond(List<Instant> calls) {
    List<Instant> sorted = calls.stream().sorted().toList();
    int most = 0;
    for (int i = 0, j = 0; i < sorted.size(); i++) {
      while (Duration.between(sorted.get(j), sorted.get(i)).compareTo(Duration.ofSeconds(1)) >= 0) {
        j++;
      }
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  /**
   * F9: a job deleted while the provider is down keeps its finalizer (CleanupBlocked, one Event counting the
   * retries) until the provider is back, and its pod is then released.
   */
  @Test
  void f9ADeleteDuringAnOutageIsRetriedWithOneCountedEventAndReleasesThePodOnceItIsBack() {
    GpuJob job = job("f9", "sleep 300", 0);
    fixture.awaitJob("f9", "Running", s -> s.getPhase() == JobPhase.Running);
    runpod.stub().startOutage(0);

    client.resource(job).delete();
    await("a counted CleanupBlocked Event").atMost(WAIT).until(() -> cleanupEvents(job).stream()
        .anyMatch(e -> e.getCount() != null && e.getCount() >= 2));
    assertThat(cleanupEvents(job)).as("one Event, counted, not one per retry").hasSize(1);
    assertThat(fixture.job("f9")).as("kept by its finalizer").isNotNull();
    assertThat(pods(job)).singleElement().satisfies(pod -> assertThat(pod.live()).isTrue());

    runpod.stub().endOutage();
    await("the job is gone").atMost(WAIT).until(() -> fixture.job("f9") == null);
    awaitNothingLive(job);
  }

  private List<Event> cleanupEvents(GpuJob job) {
    return client.v1().events().inNamespace(fixture.namespace()).list().getItems().stream()
        .filter(e -> job.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .filter(e -> JobReason.CLEANUP_BLOCKED.toString().equals(e.getReason())).toList();
  }

  /**
   * F6: a ProviderConfig deleted while its job runs is kept until the job has let go of its pod; created again under
   * the same name with another type, it is another one, with a fresh adapter, and the old job keeps its own.
   */
  @Test
  void f6AProviderConfigRecreatedUnderItsNameIsAFreshOneAndItsOldJobsKeepTheirOwn() throws Exception {
    ProviderConfig before = client.resources(ProviderConfig.class).withName(config).get();
    GpuJob first = job("f6-first", waitFor("f6"), 0);
    fixture.awaitJob("f6-first", "Running", s -> s.getPhase() == JobPhase.Running);

    client.resource(before).delete();
    await("the ProviderConfig waits for its job").atMost(WAIT).until(() -> {
      ProviderConfig deleting = client.resources(ProviderConfig.class).withName(config).get();
      return deleting != null && deleting.getMetadata().getDeletionTimestamp() != null
          && Integer.valueOf(1).equals(deleting.getStatus().getActiveJobs());
    });
    open("f6");
    GpuJob done = fixture.awaitJob("f6-first", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
    await("the ProviderConfig is gone once its job let go").atMost(WAIT)
        .until(() -> client.resources(ProviderConfig.class).withName(config).get() == null);
    assertThat(done.getStatus().getWorkload().getProviderConfigUid()).isEqualTo(before.getMetadata().getUid());
    awaitNothingLive(first);

    // Under the same name, now of another type: the Local provider, for this namespace.
    ProviderConfig local = TestResources.localProvider(config, 1, s -> s.setAllowedNamespaces(new LabelSelectorBuilder()
        .addToMatchLabels("kubernetes.io/metadata.name", fixture.namespace()).build()));
    ProviderConfig again = client.resource(local).create();
    job("f6-second", "true", 0);
    GpuJob second = fixture.awaitJob("f6-second", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(again.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
    assertThat(second.getStatus().getWorkload().getProviderConfigUid()).isEqualTo(again.getMetadata().getUid());
    assertThat(second.getStatus().getProvider()).isEqualTo("Local/" + config);
  }
}
