package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.E2eTest;
import io.gpucompute.e2e.FaultFixture;
import io.gpucompute.operator.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-safety cases F1 and F2 of docs/reliability.md on AlibabaECS: the operator runs as its own process against
 * the real API server and is killed with SIGKILL while the ECS stub holds the answer to a RunInstances that has
 * created the instance. Judged by the stub's ledger of instances.
 */
@E2eTest
class EcsFaultsIT {

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

  @TempDir
  Path dir;

  private FaultFixture fixture;
  private KubernetesClient client;
  private String config;

  @BeforeEach
  void start(ControlPlane plane) {
    fixture = FaultFixture.start(plane, "e2e-ecs-faults", dir.resolve("local"), Map.of());
    client = fixture.client();
    config = fixture.namespace();
    TestResources.createSecret(client, fixture.namespace(), "alibaba", Map.of(
        AlibabaEcsProviderFactory.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_ID,
        AlibabaEcsProviderFactory.ACCESS_KEY_SECRET, EcsStub.ACCESS_KEY_SECRET));
    ProviderConfigSpec spec = AlibabaTestSupport.spec(ecs.stub(), a -> {});
    spec.setPrices(List.of(new GpuPrice("A10", "1.75")));
    TestResources.createProviderConfig(client, config, spec, fixture.namespace(), "alibaba");
  }

  @AfterEach
  void stop() {
    fixture.close(config);
  }

  private GpuJob job(String name, String script) {
    return fixture.create(TestResources.shellJob(fixture.namespace(), name, config, script,
        s -> s.setGpu(GpuRequest.of("A10", 1))));
  }

  private List<EcsStub.Instance> instances(GpuJob job) {
    return ecs.stub().allInstances().stream()
        .filter(i -> job.getMetadata().getUid().equals(i.tags.get("gpucompute.io/job-uid"))).toList();
  }

  /** Kills the operator while RunInstances has created the instance and its answer is held; starts another. */
  private void killBetweenTheCreateAndTheStatusWrite(GpuJob job, CountDownLatch held) {
    await("the instance created and RunInstances' answer held").atMost(FaultFixture.WAIT)
        .until(() -> instances(job).size() == 1);
    fixture.awaitJob(job.getMetadata().getName(), "with attempt 1 recorded",
        s -> Integer.valueOf(1).equals(s.getAttempts()));
    fixture.killOperator();
    held.countDown();
  }

  /** F1 on ECS: one instance for the attempt, the job finishes once. */
  @Test
  void f1AKillBetweenRunInstancesAndTheStatusWriteMakesNoSecondInstance() throws Exception {
    Path runs = dir.resolve("f1.runs");
    CountDownLatch held = ecs.stub().stallNext("RunInstances");
    GpuJob job = job("f1", "echo run >> " + runs);
    killBetweenTheCreateAndTheStatusWrite(job, held);

    fixture.startOperator();

    GpuJob done = fixture.awaitJob("f1", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    assertThat(ecs.stub().instancesOf(FaultFixture.workloadName(job, 1))).as("instances of attempt 1").hasSize(1);
    assertThat(instances(job)).as("instances of the job").hasSize(1);
    await("the instance released").atMost(FaultFixture.WAIT)
        .until(() -> instances(job).stream().allMatch(EcsStub.Instance::gone));
    assertThat(Files.readAllLines(runs)).as("runs of the command").hasSize(1);
  }

  /** F2 on ECS: the job deleted while the operator is down leaves no instance. */
  @Test
  void f2AJobDeletedWhileTheOperatorIsDownLeavesNoInstance() {
    CountDownLatch held = ecs.stub().stallNext("RunInstances");
    GpuJob job = job("f2", "sleep 300");
    killBetweenTheCreateAndTheStatusWrite(job, held);
    client.resource(job).delete();

    fixture.startOperator();

    await("the job is gone").atMost(FaultFixture.WAIT).until(() -> fixture.job("f2") == null);
    assertThat(instances(job)).hasSize(1);
    await("the instance released").atMost(FaultFixture.WAIT)
        .until(() -> instances(job).stream().allMatch(EcsStub.Instance::gone));
  }
}
