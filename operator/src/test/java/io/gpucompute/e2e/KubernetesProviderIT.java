package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes provider on a real API server: a GpuJob becomes a real batch/v1 Job, the real job controller creates
 * its pod, and the test plays the kubelet (there is none) by writing the pod's status through the status subresource:
 * the container terminated with exit code 0. The job controller marks the Job Complete, the GpuJob Succeeded; deleting
 * the GpuJob removes the Job, and the garbage collector its pod.
 */
class KubernetesProviderIT extends OperatorE2eTestBase {

  @Test
  void aGpuJobRunsAsABatchJobThroughSucceededAndItsJobIsGarbageCollected() {
    String ns = createNamespace("e2e-kube");
    apply("""
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: e2e-kube
        spec:
          type: Kubernetes
          kubernetes:
            nodeSelectors:
              A100:
                nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB
            tolerations:
              - key: nvidia.com/gpu
                operator: Exists
                effect: NoSchedule
          prices:
            - gpuType: A100
              pricePerHour: "2.00"
        """);
    kubectlWait("default", "providerconfig/e2e-kube", "Ready", WAIT);
    apply(shellJob(ns, "on-k8s", "e2e-kube", "echo done"));
    GpuJob gpuJob = await("the GpuJob exists").atMost(WAIT).pollInterval(POLL).until(() -> job(ns, "on-k8s"),
        j -> j != null);

    Job batchJob = await("the operator created a batch Job").atMost(WAIT).pollInterval(POLL)
        .until(() -> jobsIn(ns), jobs -> jobs.size() == 1).get(0);
    assertThat(batchJob.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getKind()).isEqualTo("GpuJob");
      assertThat(owner.getUid()).isEqualTo(gpuJob.getMetadata().getUid());
    });
    assertThat(batchJob.getSpec().getBackoffLimit()).isZero();
    assertThat(batchJob.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
        .get("nvidia.com/gpu").toString()).isEqualTo("1");

    Pod pod = await("the job controller created the pod").atMost(WAIT).pollInterval(POLL)
        .until(() -> podsOf(ns, batchJob.getMetadata().getName()), pods -> pods.size() == 1).get(0);
    actAsKubeletAndFinish(pod, 0);

    awaitPhase(ns, "on-k8s", JobPhase.Succeeded);
    assertThat(job(ns, "on-k8s").getStatus().getExitCode()).isZero();

    kubectl.run(WAIT.plusSeconds(30), "delete", "gpujob", "on-k8s", "-n", ns, "--timeout=" + WAIT.toSeconds() + "s")
        .assertSuccess();
    await("the batch Job and its pod garbage-collected").atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
      assertThat(jobsIn(ns)).isEmpty();
      assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(client.secrets().inNamespace(ns).withLabel("gpucompute.io/job-uid").list().getItems()).isEmpty();
    });
  }

  @Test
  void anUnschedulablePodIsReportedWithTheSchedulersReasonAndAFailedContainerFailsTheJob() {
    String ns = createNamespace("e2e-kube-fail");
    apply("""
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: e2e-kube-fail
        spec:
          type: Kubernetes
          kubernetes:
            namespace: %s
        """.formatted(ns));
    kubectlWait("default", "providerconfig/e2e-kube-fail", "Ready", WAIT);
    apply("""
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: no-fit
          namespace: %s
        spec:
          providerConfigRef:
            name: e2e-kube-fail
          image: busybox:1.36
          command: ["sh", "-c", "exit 3"]
          gpu:
            type: H100
            count: 2
          backoffLimit: 0
        """.formatted(ns));
    Job batchJob = await("the operator created a batch Job").atMost(WAIT).pollInterval(POLL)
        .until(() -> jobsIn(ns), jobs -> jobs.size() == 1).get(0);
    Pod pod = await("the job controller created the pod").atMost(WAIT).pollInterval(POLL)
        .until(() -> podsOf(ns, batchJob.getMetadata().getName()), pods -> pods.size() == 1).get(0);

    // What the scheduler writes when no node fits.
    pod.setStatus(new PodStatusBuilder(pod.getStatus()).withPhase("Pending").withConditions(List.of(
        new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("PodScheduled").withStatus("False")
            .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
            .withLastTransitionTime(Instant.now().toString().replaceAll("\\.\\d+Z$", "Z")).build())).build());
    Pod unschedulable = client.pods().inNamespace(ns).resource(pod).updateStatus();
    awaitJob(ns, "no-fit", "reporting the scheduler's reason",
        status -> status.getMessage() != null && status.getMessage().contains("3 Insufficient nvidia.com/gpu"));

    actAsKubeletAndFinish(unschedulable, 3);

    awaitPhase(ns, "no-fit", JobPhase.Failed);
    assertThat(job(ns, "no-fit").getStatus().getExitCode()).isEqualTo(3);
  }

  private List<Job> jobsIn(String ns) {
    return client.batch().v1().jobs().inNamespace(ns).list().getItems();
  }

  private List<Pod> podsOf(String ns, String jobName) {
    return client.pods().inNamespace(ns).withLabel("job-name", jobName).list().getItems();
  }

  /** What a kubelet would write: the container ran and exited with {@code exitCode}; the pod ended. */
  private void actAsKubeletAndFinish(Pod pod, int exitCode) {
    String now = Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
    var container = pod.getSpec().getContainers().get(0);
    pod.setStatus(new PodStatusBuilder(pod.getStatus()).withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .withStartTime(now)
        .withContainerStatuses(new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
            .withImageID("").withReady(false).withRestartCount(0).withStarted(false)
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
            .withStartedAt(now).withFinishedAt(now).endTerminated().endState().build())
        .build());
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
  }
}
