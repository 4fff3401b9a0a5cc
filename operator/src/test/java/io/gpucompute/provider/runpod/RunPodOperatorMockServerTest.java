package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.job.JobCondition;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.TestResources;
import io.gpucompute.status.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator, wired as in production with the Local and RunPod providers, against fabric8's mock API server (CRUD
 * mode) and {@link RunPodStub} (spec.endpoint points at it): GpuJobs on a RunPod ProviderConfig, from submit to
 * result and cost, and what a bad key does. The stub's ledger must hold no live pod after each test.
 */
class RunPodOperatorMockServerTest {

  private static final String NS = "team-a";
  private static final String SECRETS_NS = "gpucompute-system";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

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
    TestResources.createNamespace(client, SECRETS_NS, Map.of());
    operator = cluster.startOperatorWithLocalAnd(stateDir.resolve("local"),
        new RunPodProviderFactory(RunPodTestSupport.settings(stateDir)));
  }

  @AfterEach
  void stopOperator() {
    // Deleting the jobs first terminates their pods through the finalizer.
    cluster.deleteAllWorkAndAwait(WAIT);
    operator.close();
    cluster.close();
  }

  private void createSecret(String name, String apiKey) {
    TestResources.createSecret(client, SECRETS_NS, name, Map.of(RunPodProviderFactory.API_KEY, apiKey));
  }

  private void createProviderConfig(String name, String secret) {
    TestResources.createProviderConfig(client, name, RunPodTestSupport.spec(runpod.stub(), r -> {}), SECRETS_NS,
        secret);
  }

  private void createJob(String name, String provider, String script) {
    client.resource(TestResources.shellJob(NS, name, provider, script, spec -> spec.setGpu(GpuRequest.of("A100", 1))))
        .create();
  }

  private GpuJob awaitJob(String name, Predicate<GpuJobStatus> condition) {
    return cluster.awaitJob(NS, name, WAIT, condition);
  }

  private ProviderConfig awaitConfig(String name, Predicate<ProviderConfig> condition) {
    return cluster.awaitProviderConfig(name, WAIT, condition);
  }

  @Test
  void aJobRunsOnARunPodPodAndSucceedsWithItsOutputExitCodeAndCost() {
    createSecret("runpod-credentials", RunPodStub.API_KEY);
    createProviderConfig("runpod", "runpod-credentials");
    createJob("hello", "runpod", "echo \"$GREETING from a RunPod pod\"; sleep 1");

    GpuJob submitted = awaitJob("hello", s -> s.getPhase() == JobPhase.Running || s.getPhase() == JobPhase.Succeeded);
    GpuJob job = awaitJob("hello", s -> s.getPhase() == JobPhase.Succeeded);

    GpuJobStatus status = job.getStatus();
    String podId = runpod.stub().allPods().get(0).id;
    assertThat(submitted.getStatus().getExternalId()).isEqualTo(podId);
    assertThat(status.getExternalId()).isEqualTo(podId);
    assertThat(status.getExitCode()).isZero();
    assertThat(status.getLogTail()).contains("hello from a RunPod pod");
    assertThat(status.getProvider()).isEqualTo("RunPod/runpod");
    assertThat(status.getPricePerHour()).isEqualTo("1.64");
    assertThat(status.getAccruedCost()).matches("0\\.\\d{6}");
    assertThat(new java.math.BigDecimal(status.getAccruedCost())).isPositive();
    assertThat(Conditions.find(status.getConditions(), JobCondition.SUBMITTED).orElseThrow().getMessage())
        .contains("submitted as " + podId, "NVIDIA A100 80GB PCIe", "SECURE");
    assertThat(runpod.stub().allPods()).singleElement()
        .satisfies(pod -> assertThat(pod.name).isEqualTo("gpujob-" + job.getMetadata().getUid() + "-1"));
    // The pod is terminated once the outcome is saved, in the reconcile after it.
    await().atMost(WAIT).untilAsserted(() -> assertThat(runpod.stub().allPods()).singleElement()
        .satisfies(pod -> assertThat(pod.live()).isFalse()));
    ProviderConfig config = awaitConfig("runpod", pc -> Conditions.isTrue(pc.getStatus().getConditions(), "Ready"));
    assertThat(config.getStatus().getOffers()).anySatisfy(offer -> {
      assertThat(offer.getGpuType()).isEqualTo("A100");
      assertThat(offer.getPricePerHour()).isEqualTo("1.64");
      assertThat(offer.getProviderName()).isEqualTo("NVIDIA A100 80GB PCIe");
    });
  }

  @Test
  void aBadKeyMakesTheProviderConfigNotReadyAndItsJobsWaitWithoutAPod() {
    createSecret("runpod-credentials", "rp-revoked-key");
    createProviderConfig("runpod", "runpod-credentials");
    createJob("waiting", "runpod", "echo never");

    ProviderConfig config = awaitConfig("runpod", pc -> !pc.getStatus().getConditions().isEmpty());
    assertThat(Conditions.find(config.getStatus().getConditions(), "Ready").orElseThrow()).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("InvalidCredentials");
      assertThat(c.getMessage()).contains("HTTP 401").doesNotContain("rp-revoked-key");
    });
    GpuJob job = awaitJob("waiting", s -> Conditions.isTrue(s.getConditions(), JobCondition.STALLED));
    assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.STALLED).orElseThrow().getReason())
        .isEqualTo("InvalidCredentials");
    assertThat(job.getStatus().getAttempts()).isNull();
    assertThat(runpod.stub().allPods()).isEmpty();
  }

  @Test
  void withoutCapacityTheJobQueuesAndRunsOnceCapacityReturns() {
    runpod.stub().setCapacity("NVIDIA A100 80GB PCIe", false);
    createSecret("runpod-credentials", RunPodStub.API_KEY);
    createProviderConfig("runpod", "runpod-credentials");
    createJob("patient", "runpod", "echo got-a-gpu");

    GpuJob queued = awaitJob("patient", s -> s.getPhase() == JobPhase.Queued
        && Conditions.find(s.getConditions(), JobCondition.RECONCILING).map(c -> "NoCapacity".equals(c.getReason()))
            .orElse(false));
    assertThat(queued.getStatus().getMessage()).contains("no longer any instances available");
    assertThat(queued.getStatus().getFailures()).isNull();
    assertThat(runpod.stub().allPods()).isEmpty();

    runpod.stub().setCapacity("NVIDIA A100 80GB PCIe", true);
    GpuJob done = awaitJob("patient", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(done.getStatus().getLogTail()).contains("got-a-gpu");
    assertThat(runpod.stub().allPods()).hasSize(1);
  }

  @Test
  void deletingARunningJobTerminatesItsPod() {
    createSecret("runpod-credentials", RunPodStub.API_KEY);
    createProviderConfig("runpod", "runpod-credentials");
    createJob("doomed", "runpod", "sleep 300");
    awaitJob("doomed", s -> s.getPhase() == JobPhase.Running);
    assertThat(runpod.stub().livePods()).hasSize(1);

    client.resources(GpuJob.class).inNamespace(NS).withName("doomed").delete();

    await().atMost(WAIT).until(() -> client.resources(GpuJob.class).inNamespace(NS).withName("doomed").get() == null);
    assertThat(runpod.stub().livePods()).isEmpty();
    await().atMost(WAIT).until(() -> runpod.stub().allPods().get(0).gone());
  }
}
