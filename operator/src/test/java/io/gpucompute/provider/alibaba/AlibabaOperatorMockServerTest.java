package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.job.JobCondition;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.TestResources;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator, wired with the Local and AlibabaECS providers, against fabric8's mock API server (CRUD mode) and
 * {@link EcsStub} (spec.endpoint points at it): a GpuJob on an AlibabaECS ProviderConfig from submit to result and
 * cost, a bad key, and a deleted job. The stub's ledger must hold no live instance after each test.
 */
class AlibabaOperatorMockServerTest {

  private static final String NS = "team-a";
  private static final String SECRETS_NS = "gpucompute-system";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

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
        new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS));
  }

  @AfterEach
  void stopOperator() {
    // Deleting the jobs first releases their instances through the finalizer.
    cluster.deleteAllWorkAndAwait(WAIT);
    operator.close();
    cluster.close();
  }

  private void createSecret(String name, String accessKeyId, String accessKeySecret) {
    TestResources.createSecret(client, SECRETS_NS, name, Map.of(AlibabaEcsProviderFactory.ACCESS_KEY_ID, accessKeyId,
        AlibabaEcsProviderFactory.ACCESS_KEY_SECRET, accessKeySecret));
  }

  private void createProviderConfig(String name, String secret) {
    ProviderConfigSpec spec = AlibabaTestSupport.spec(ecs.stub(), a -> {});
    spec.setPrices(List.of(new GpuPrice("A10", "1.75")));
    TestResources.createProviderConfig(client, name, spec, SECRETS_NS, secret);
  }

  private void createJob(String name, String provider, String script) {
    client.resource(TestResources.shellJob(NS, name, provider, script, spec -> spec.setGpu(GpuRequest.of("A10", 1))))
        .create();
  }

  private GpuJob awaitJob(String name, Predicate<GpuJobStatus> condition) {
    return cluster.awaitJob(NS, name, WAIT, condition);
  }

  private ProviderConfig awaitConfig(String name, Predicate<ProviderConfig> condition) {
    return cluster.awaitProviderConfig(name, WAIT, condition);
  }

  @Test
  void aJobRunsOnAnEcsInstanceAndSucceedsWithItsOutputExitCodeAndCost() {
    createSecret("alibaba-credentials", EcsStub.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_SECRET);
    createProviderConfig("alibaba", "alibaba-credentials");
    createJob("hello", "alibaba", "echo \"$GREETING from an ECS instance\"; sleep 1");

    GpuJob submitted = awaitJob("hello", s -> s.getPhase() == JobPhase.Running || s.getPhase() == JobPhase.Succeeded);
    GpuJob job = awaitJob("hello", s -> s.getPhase() == JobPhase.Succeeded);

    GpuJobStatus status = job.getStatus();
    String instanceId = ecs.stub().allInstances().get(0).id;
    assertThat(submitted.getStatus().getExternalId()).isEqualTo(instanceId);
    assertThat(status.getExternalId()).isEqualTo(instanceId);
    assertThat(status.getExitCode()).isZero();
    assertThat(status.getLogTail()).contains("hello from an ECS instance");
    assertThat(status.getProvider()).isEqualTo("AlibabaECS/alibaba");
    assertThat(status.getPricePerHour()).isEqualTo("1.75");
    assertThat(new BigDecimal(status.getAccruedCost())).isPositive();
    assertThat(Conditions.find(status.getConditions(), JobCondition.SUBMITTED).orElseThrow().getMessage())
        .contains("submitted as " + instanceId, "ecs.gn7i-c8g1.2xlarge");
    assertThat(ecs.stub().allInstances()).singleElement().satisfies(instance -> {
      assertThat(instance.clientToken).isEqualTo(ClientTokens.of("gpujob-" + job.getMetadata().getUid() + "-1",
          "ecs.gn7i-c8g1.2xlarge", 0));
      assertThat(instance.tags).containsEntry("gpucompute.io/job-uid", job.getMetadata().getUid())
          .containsKey("gpucompute.io/installation");
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ecs.stub().allInstances()).singleElement()
        .satisfies(instance -> assertThat(instance.live()).as("released once the outcome was saved").isFalse()));
    assertThat(awaitJob("hello", s -> s.getWorkload() != null && s.getWorkload().isReleased()).getStatus().getPhase())
        .isEqualTo(JobPhase.Succeeded);
    ProviderConfig config = awaitConfig("alibaba", pc -> Conditions.isTrue(pc.getStatus().getConditions(), "Ready"));
    assertThat(config.getStatus().getOffers()).anySatisfy(offer -> {
      assertThat(offer.getGpuType()).isEqualTo("A10");
      assertThat(offer.getPricePerHour()).isEqualTo("1.75");
      assertThat(offer.getProviderName()).isEqualTo("ecs.gn7i-c8g1.2xlarge, 12.31 CNY/h");
    });
  }

  @Test
  void aBadKeyMakesTheProviderConfigNotReadyAndItsJobsWaitWithoutAnInstance() {
    createSecret("alibaba-credentials", EcsStub.ACCESS_KEY_ID, "a-revoked-secret-31");
    createProviderConfig("alibaba", "alibaba-credentials");
    createJob("waiting", "alibaba", "echo never");

    ProviderConfig config = awaitConfig("alibaba", pc -> !pc.getStatus().getConditions().isEmpty());
    assertThat(Conditions.find(config.getStatus().getConditions(), "Ready").orElseThrow()).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("InvalidCredentials");
      assertThat(c.getMessage()).contains("SignatureDoesNotMatch").doesNotContain("a-revoked-secret-31");
    });
    GpuJob job = awaitJob("waiting", s -> Conditions.isTrue(s.getConditions(), JobCondition.STALLED));
    assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(Conditions.find(job.getStatus().getConditions(), JobCondition.STALLED).orElseThrow().getReason())
        .isEqualTo("InvalidCredentials");
    assertThat(ecs.stub().allInstances()).isEmpty();
  }

  @Test
  void withoutStockTheJobQueuesAndRunsOnceStockReturns() {
    ecs.stub().setNoStock("ecs.gn7i-c8g1.2xlarge", true);
    createSecret("alibaba-credentials", EcsStub.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_SECRET);
    createProviderConfig("alibaba", "alibaba-credentials");
    createJob("patient", "alibaba", "echo got-a-gpu");

    GpuJob queued = awaitJob("patient", s -> s.getPhase() == JobPhase.Queued
        && Conditions.find(s.getConditions(), JobCondition.RECONCILING).map(c -> "NoCapacity".equals(c.getReason()))
            .orElse(false));
    assertThat(queued.getStatus().getMessage()).contains("OperationDenied.NoStock");
    assertThat(ecs.stub().allInstances()).isEmpty();

    ecs.stub().setNoStock("ecs.gn7i-c8g1.2xlarge", false);
    GpuJob done = awaitJob("patient", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(done.getStatus().getLogTail()).contains("got-a-gpu");
    assertThat(ecs.stub().allInstances()).hasSize(1);
  }

  @Test
  void deletingARunningJobReleasesItsInstance() {
    createSecret("alibaba-credentials", EcsStub.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_SECRET);
    createProviderConfig("alibaba", "alibaba-credentials");
    createJob("doomed", "alibaba", "sleep 300");
    awaitJob("doomed", s -> s.getPhase() == JobPhase.Running);
    assertThat(ecs.stub().liveInstances()).hasSize(1);

    client.resources(GpuJob.class).inNamespace(NS).withName("doomed").delete();

    await().atMost(WAIT).until(() -> client.resources(GpuJob.class).inNamespace(NS).withName("doomed").get() == null);
    assertThat(ecs.stub().liveInstances()).isEmpty();
    await().atMost(WAIT).until(() -> ecs.stub().allInstances().get(0).gone());
  }
}
