package io.gpucompute.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.EnvVarSource;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.SecretKeySelector;
import io.gpucompute.job.JobCondition;
import io.gpucompute.job.JobTiming;
import io.gpucompute.provider.local.LocalProviderFactory;
import io.gpucompute.status.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator, wired as in production with the Local provider, against fabric8's mock API server in CRUD mode.
 * Real processes run; nothing is faked but the API server.
 */
class OperatorMockServerTest {

  private static final String NS = "team-a";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path stateDir;

  private MockCluster cluster;
  private KubernetesClient client;
  private GpuComputeOperator operator;

  @BeforeEach
  void startOperator() {
    cluster = MockCluster.start();
    client = cluster.client();
    TestResources.createNamespace(client, NS, Map.of("team", "a"));
    TestResources.createNamespace(client, "team-b", Map.of("team", "b"));
    operator = cluster.startOperator(MockCluster.fastSettings(stateDir));
  }

  @AfterEach
  void stopOperator() {
    if (operator == null) {
      cluster.close();
      return;
    }
    // Deleting the jobs first stops their processes through the finalizer.
    cluster.deleteAllWorkAndAwait(WAIT);
    operator.close();
    cluster.close();
  }

  private ProviderConfig apply(ProviderConfig config) {
    return client.resource(config).create();
  }

  private GpuJob apply(GpuJob job) {
    return client.resource(job).create();
  }

  /** Merges {@code specJson} into the job's spec (a JSON merge patch, as kubectl patch --type=merge sends). */
  private void patchSpec(String name, String specJson) {
    client.resources(GpuJob.class).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": " + specJson + "}");
  }

  private GpuJob get(String name) {
    return client.resources(GpuJob.class).inNamespace(NS).withName(name).get();
  }

  private GpuJob awaitJob(String name, Predicate<GpuJobStatus> condition) {
    return cluster.awaitJob(NS, name, WAIT, condition);
  }

  private static Predicate<GpuJobStatus> phase(JobPhase phase) {
    return status -> status.getPhase() == phase;
  }

  private static boolean isTrue(GpuJobStatus status, String type) {
    return Conditions.isTrue(status.getConditions(), type);
  }

  private List<String> eventReasons(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
  }

  @Test
  void aHelloJobSucceedsWithItsOutputExitCodeCostAndConditions() {
    apply(TestResources.localProvider("local", 2, spec -> {}));
    apply(TestResources.shellJob(NS, "hello", "local", "echo \"$GREETING from $CUDA_VISIBLE_DEVICES\"", spec -> {}));

    GpuJob job = awaitJob("hello", phase(JobPhase.Succeeded));

    GpuJobStatus status = job.getStatus();
    assertThat(status.getExitCode()).isZero();
    assertThat(status.getLogTail()).contains("hello from 0");
    assertThat(status.getAccruedCost()).matches("0\\.\\d{6}");
    assertThat(status.getPricePerHour()).isEqualTo("2");
    assertThat(status.getAttempts()).isEqualTo(1);
    assertThat(status.getProvider()).isEqualTo("Local/local");
    assertThat(status.getGpu()).isEqualTo("A100x1");
    assertThat(status.getCompletionTime()).isNotNull();
    assertThat(status.getObservedGeneration()).isEqualTo(job.getMetadata().getGeneration());
    assertThat(isTrue(status, JobCondition.COMPLETE)).isTrue();
    assertThat(isTrue(status, JobCondition.RUNNING)).isFalse();
    assertThat(Conditions.find(status.getConditions(), JobCondition.SUBMITTED).orElseThrow().getMessage())
        .contains("busybox:1.36 recorded, not pulled");
    assertThat(job.getMetadata().getFinalizers()).isNotEmpty();
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons("hello")).contains("WorkloadSubmitted", "Completed"));
  }

  @Test
  void aFailingCommandFailsAfterBackoffLimitPlusOneAttempts() {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    apply(TestResources.shellJob(NS, "crash", "local", "echo boom; exit 3", spec -> spec.setBackoffLimit(2)));

    GpuJob job = awaitJob("crash", phase(JobPhase.Failed));

    assertThat(job.getStatus().getAttempts()).isEqualTo(3);
    assertThat(job.getStatus().getFailures()).isEqualTo(3);
    assertThat(job.getStatus().getExitCode()).isEqualTo(3);
    assertThat(job.getStatus().getLogTail()).contains("boom");
    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.FAILED).orElseThrow().getReason())
        .isEqualTo("BackoffLimitExceeded");
    assertThat(eventReasons("crash")).contains("RetryBackoff");
  }

  @Test
  void theDeadlineStopsTheWorkAndFailsTheJob() throws Exception {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    Path pidFile = stateDir.resolve("deadline.pid");
    Path marker = stateDir.resolve("deadline-still-running");
    apply(TestResources.shellJob(NS, "slow", "local", "echo $$ > " + pidFile + "; sleep 3; touch " + marker,
        spec -> spec.setActiveDeadlineSeconds(1L)));

    GpuJob job = awaitJob("slow", phase(JobPhase.Failed));

    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.FAILED).orElseThrow().getReason())
        .isEqualTo("DeadlineExceeded");
    // The process was killed: gone before the end of its sleep, so it never reaches the line after it.
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    assertThat(Files.exists(marker)).isFalse();
  }

  @Test
  void deletingARetriedJobRemovesTheDirectoriesOfAllItsAttempts() throws Exception {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    apply(TestResources.shellJob(NS, "retried", "local", "echo attempt $GPUCOMPUTE_JOB_ATTEMPT; exit 1",
        spec -> spec.setBackoffLimit(1)));
    GpuJob failed = awaitJob("retried", phase(JobPhase.Failed));
    assertThat(failed.getStatus().getAttempts()).isEqualTo(2);
    Path workloads = stateDir.resolve("workloads");
    String uid = failed.getMetadata().getUid();
    assertThat(attemptDirectories(workloads, uid)).hasSize(2);

    client.resources(GpuJob.class).inNamespace(NS).withName("retried").delete();

    await().atMost(WAIT).until(() -> get("retried") == null);
    assertThat(attemptDirectories(workloads, uid)).as("nothing of the deleted job stays on disk").isEmpty();
  }

  /** The Local provider's workload directories of the job with {@code uid}. */
  private static List<Path> attemptDirectories(Path workloads, String uid) throws java.io.IOException {
    if (!Files.isDirectory(workloads)) {
      return List.of();
    }
    try (var dirs = Files.list(workloads)) {
      return dirs.filter(dir -> dir.getFileName().toString().startsWith("gpujob-" + uid.toLowerCase())).toList();
    }
  }

  @Test
  void suspendStopsTheWorkAndResumeRunsANewAttempt() {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    apply(TestResources.shellJob(NS, "pausable", "local", "[ \"$GPUCOMPUTE_JOB_ATTEMPT\" = 2 ] || sleep 60",
        spec -> {}));
    awaitJob("pausable", phase(JobPhase.Running));

    patchSpec("pausable", "{\"suspend\": true}");
    GpuJob suspended = awaitJob("pausable", phase(JobPhase.Suspended));
    assertThat(suspended.getStatus().getFailures()).isNull();

    patchSpec("pausable", "{\"suspend\": false}");
    GpuJob done = awaitJob("pausable", phase(JobPhase.Succeeded));
    assertThat(done.getStatus().getAttempts()).isEqualTo(2);
  }

  @Test
  void deletingARunningJobKillsItsProcessBeforeTheObjectGoes() throws Exception {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    Path pidFile = stateDir.resolve("child.pid");
    apply(TestResources.shellJob(NS, "doomed", "local", "echo $$ > " + pidFile + "; sleep 300", spec -> {}));
    awaitJob("doomed", phase(JobPhase.Running));
    await().atMost(WAIT).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

    client.resources(GpuJob.class).inNamespace(NS).withName("doomed").delete();

    await().atMost(WAIT).until(() -> get("doomed") == null);
    await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aSecretThatDoesNotExistStallsTheJobWithoutRunningIt() {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    apply(TestResources.shellJob(NS, "needs-token", "local", "echo $TOKEN", spec -> spec.setEnv(List.of(
        new EnvVar("TOKEN", null, new EnvVarSource(new SecretKeySelector("hf-token", "token")))))));

    GpuJob job = awaitJob("needs-token", status -> isTrue(status, JobCondition.STALLED));

    assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.STALLED).orElseThrow().getReason())
        .isEqualTo("SecretNotFound");
    assertThat(job.getStatus().getAttempts()).isNull();
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons("needs-token")).contains("SecretNotFound"));

    client.resource(new SecretBuilder().withNewMetadata().withName("hf-token").withNamespace(NS).endMetadata()
        .addToStringData("token", "s3cr3t-value").build()).create();
    patchSpec("needs-token", "{\"priority\": 1}");
    GpuJob done = awaitJob("needs-token", phase(JobPhase.Succeeded));
    // The program saw the secret; the operator never wrote it anywhere but the process's environment.
    assertThat(done.getStatus().getLogTail()).contains("s3cr3t-value");
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .noneMatch(e -> e.getMessage() != null && e.getMessage().contains("s3cr3t-value"));
    assertThat(done.getStatus().getMessage()).doesNotContain("s3cr3t-value");
  }

  @Test
  void aNamespaceTheProviderDoesNotAllowIsRefusedWithAClearCondition() {
    apply(TestResources.localProvider("local", 1, spec -> spec.setAllowedNamespaces(
        new LabelSelectorBuilder().addToMatchLabels("team", "b").build())));
    apply(TestResources.shellJob(NS, "outsider", "local", "echo hi", spec -> {}));

    GpuJob job = awaitJob("outsider", status -> isTrue(status, JobCondition.STALLED));

    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.STALLED).orElseThrow())
        .satisfies(c -> {
          assertThat(c.getReason()).isEqualTo("NamespaceNotAllowed");
          assertThat(c.getMessage()).contains("team-a");
        });
  }

  @Test
  void jobsBeyondTheGpusWaitInTheQueueAndRunWhenTheGpusFree() {
    apply(TestResources.localProvider("local", 1, spec -> {}));
    apply(TestResources.shellJob(NS, "first", "local", "sleep 2", spec -> {}));
    awaitJob("first", phase(JobPhase.Running));
    apply(TestResources.shellJob(NS, "second", "local", "echo second", spec -> {}));

    GpuJob queued = awaitJob("second", phase(JobPhase.Queued));
    assertThat(queued.getStatus().getQueuePosition()).isEqualTo(1);
    assertThat(Conditions.find(queued.getStatus().getConditions(), JobCondition.RECONCILING).orElseThrow().getReason())
        .isEqualTo("GpusBusy");

    awaitJob("second", phase(JobPhase.Succeeded));
    assertThat(Conditions.find(get("first").getStatus().getConditions(), JobCondition.COMPLETE)).isPresent();
  }

  @Test
  void aFreedGpuGoesToTheNextQueuedJobWithoutWaitingForTheTimedRecheck() {
    operator.close();
    OperatorSettings fast = MockCluster.fastSettings(stateDir);
    JobTiming neverRecheck = new JobTiming(fast.timing().pollInterval(), Duration.ofHours(1),
        fast.timing().retryBase(), fast.timing().retryMax(), fast.timing().submitGrace());
    operator = cluster.startOperator(new OperatorSettings(fast.local(), neverRecheck, fast.probeInterval(),
        fast.healthPort(), fast.healthBindAddress(), fast.leaseNamespace(), fast.identity()));
    apply(TestResources.localProvider("local", 1, spec -> {}));
    List<String> names = List.of("first", "second", "third", "fourth");
    apply(TestResources.shellJob(NS, names.get(0), "local", "sleep 1", spec -> {}));
    awaitJob(names.get(0), phase(JobPhase.Running));
    names.subList(1, names.size()).forEach(name -> apply(TestResources.shellJob(NS, name, "local", "true", spec -> {})));

    // With a queue recheck of an hour, only the hand-off of each freed GPU can start the queued jobs in time.
    names.forEach(name -> awaitJob(name, phase(JobPhase.Succeeded)));
  }

  @Test
  void theProviderConfigReportsReadyOffersAndActiveJobs() {
    apply(TestResources.localProvider("local", 2, spec -> {}));
    apply(TestResources.shellJob(NS, "busy", "local", "sleep 60", spec -> {}));
    awaitJob("busy", phase(JobPhase.Running));

    ProviderConfig config = await().atMost(WAIT).until(
        () -> client.resources(ProviderConfig.class).withName("local").get(),
        pc -> pc.getStatus() != null && Integer.valueOf(1).equals(pc.getStatus().getActiveJobs()));

    assertThat(Conditions.isTrue(config.getStatus().getConditions(), "Ready")).isTrue();
    assertThat(config.getStatus().getObservedGeneration()).isEqualTo(config.getMetadata().getGeneration());
    assertThat(config.getStatus().getOffers()).singleElement().satisfies(offer -> {
      assertThat(offer.getGpuType()).isEqualTo("A100");
      assertThat(offer.getCount()).isEqualTo(2);
      assertThat(offer.getPricePerHour()).isEqualTo("2");
    });
  }

  @Test
  void aProviderTypeWithoutAFactorySaysSoAndItsJobsStall() {
    // Every provider type is built now: an operator whose registry has only the Local factory stands in for one
    // built without a type.
    operator.close();
    OperatorSettings settings = MockCluster.fastSettings(stateDir);
    operator = cluster.startOperator(settings, List.of(new LocalProviderFactory(settings.local())));
    apply(TestResources.localProvider("runpod", 1, spec -> {
      spec.setType(ProviderType.AlibabaECS);
      spec.setLocal(null);
    }));
    apply(TestResources.shellJob(NS, "cloud", "runpod", "echo hi", spec -> {}));

    ProviderConfig config = await().atMost(WAIT).until(() -> client.resources(ProviderConfig.class).withName("runpod").get(),
        pc -> pc.getStatus() != null && !pc.getStatus().getConditions().isEmpty());
    assertThat(Conditions.find(config.getStatus().getConditions(), "Ready").orElseThrow())
        .satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo("NotImplemented");
        });
    GpuJob job = awaitJob("cloud", status -> isTrue(status, JobCondition.STALLED));
    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.STALLED).orElseThrow().getReason())
        .isEqualTo("NotImplemented");
  }
}
