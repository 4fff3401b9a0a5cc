package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path of a GpuJob on the {@code Kubernetes} provider, on the real API server with a GPU node played by the
 * {@link io.gpucompute.e2e.kubelet.LoopbackKubelet}: the operator creates a real batch Job, the real job controller
 * its pod, the stand-in kubelet runs the pod's command, and the operator reads its exit code and its log through
 * {@code pods/log}. The Jobs run in the kubelet's namespace ({@code kubernetes.namespace}), apart from the GpuJobs.
 */
class KubernetesGpuNodeIT extends OperatorE2eTestBase {

  @RegisterExtension
  static final LoopbackKubeletExtension gpuNode =
      new LoopbackKubeletExtension("e2e-gpu-node", FakeClusterExtension.A100_NODE);

  private static final String PROVIDER = "e2e-gpu-node";

  private void applyProviderConfig() {
    apply(gpuNodeProvider(PROVIDER, gpuNode.namespace()));
    kubectlWait("default", "providerconfig/" + PROVIDER, "Ready", WAIT);
  }

  @Test
  void aGpuJobRunsOnTheGpuNodeAndReportsItsExitCodeAndItsLogFromThePod() {
    applyProviderConfig();
    String ns = createNamespace("e2e-node-jobs");
    apply(shellJob(ns, "trains", PROVIDER, "echo epoch 1; echo epoch 2; echo loss 0.1 >&2; exit 0"));

    GpuJob done = awaitPhase(ns, "trains", JobPhase.Succeeded);

    assertThat(done.getStatus().getExitCode()).isZero();
    assertThat(done.getStatus().getLogTail()).contains("epoch 1", "epoch 2", "loss 0.1");
    assertThat(done.getStatus().getExternalId()).isNotBlank();
    String batchJob = new WorkloadKey(ns, "trains", done.getMetadata().getUid(), 1).workloadName();
    assertThat(gpuNode.ledger().jobsCreated(batchJob)).as("batch Jobs named %s", batchJob).isEqualTo(1);
  }

  @Test
  void aFailingCommandFailsTheJobWithTheContainersExitCode() {
    applyProviderConfig();
    String ns = createNamespace("e2e-node-jobs");
    apply(shellJob(ns, "crashes", PROVIDER, "echo about to fail; exit 7").replace("""
          gpu:
        """, """
          backoffLimit: 0
          gpu:
        """));

    GpuJob failed = awaitPhase(ns, "crashes", JobPhase.Failed);

    assertThat(failed.getStatus().getExitCode()).isEqualTo(7);
    assertThat(failed.getStatus().getLogTail()).contains("about to fail");
  }

  /**
   * A ResourceQuota with no room for another Job: the real API server's quota admission refuses the Job ("exceeded
   * quota"), the GpuJob waits in Queued with reason NoCapacity and uses no attempt; once the quota is gone it runs.
   */
  @Test
  void aUsedUpJobQuotaKeepsTheGpuJobQueuedUntilTheQuotaAllowsIt() {
    gpuNode.client().resourceQuotas().inNamespace(gpuNode.namespace()).resource(new ResourceQuotaBuilder()
        .withNewMetadata().withName("no-more-jobs").endMetadata()
        .withNewSpec().withHard(Map.of("count/jobs.batch", new Quantity("0"))).endSpec().build()).create();
    try {
      applyProviderConfig();
      String ns = createNamespace("e2e-node-jobs");
      apply(shellJob(ns, "patient", PROVIDER, "echo ran"));

      GpuJob queued = awaitJob(ns, "patient", "queued for the quota", status -> status.getPhase() == JobPhase.Queued
          && status.getConditions().stream().anyMatch(c -> "NoCapacity".equals(c.getReason())
              && c.getMessage() != null && c.getMessage().contains("exceeded quota")));
      assertThat(queued.getStatus().getFailures()).isNull();
      assertThat(gpuNode.client().batch().v1().jobs().inNamespace(gpuNode.namespace()).list().getItems()).isEmpty();
    } finally {
      gpuNode.client().resourceQuotas().inNamespace(gpuNode.namespace()).withName("no-more-jobs").delete();
    }
    GpuJob done = awaitPhase(namespaceOf("patient"), "patient", JobPhase.Succeeded);
    assertThat(done.getStatus().getLogTail()).contains("ran");
  }

  private String namespaceOf(String jobName) {
    return client.resources(GpuJob.class).inAnyNamespace().list().getItems().stream()
        .filter(j -> jobName.equals(j.getMetadata().getName())).findFirst().orElseThrow().getMetadata().getNamespace();
  }
}
