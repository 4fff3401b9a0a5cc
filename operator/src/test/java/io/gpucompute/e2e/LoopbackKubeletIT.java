package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.gpucompute.e2e.kubelet.LoopbackKubelet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link LoopbackKubelet} on the real control plane, on its own: a pod it runs reports its real exit code and its
 * environment from a Secret, {@code pods/log} reaches its output through the real API server with
 * {@code tailLines} and {@code limitBytes} honoured, a pod that fits no node stays Pending as Unschedulable, and
 * deleting a running pod kills its process.
 */
@E2eTest
class LoopbackKubeletIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);

  @RegisterExtension
  static final LoopbackKubeletExtension kube = new LoopbackKubeletExtension("loopback-kubelet",
      Map.of("gpucompute.io/node", "loopback"));

  @Test
  void podsLogReachesTheContainersOutputThroughTheApiServer() {
    kube.client().secrets().inNamespace(kube.namespace()).resource(new SecretBuilder().withNewMetadata()
        .withName("greeting").endMetadata().withStringData(Map.of("GREETING", "hello-from-a-secret")).build()).create();
    try {
      Pod pod = shellPod("echo one; echo two; echo \"$PREFIX_GREETING\"; exit 4", Map.of());
      pod.getSpec().getContainers().get(0).setEnvFrom(List.of(new EnvFromSourceBuilder().withPrefix("PREFIX_")
          .withNewSecretRef().withName("greeting").endSecretRef().build()));
      PodResource resource = create(pod);

      await("the pod failed").atMost(WAIT).pollInterval(POLL).until(() -> phase(resource), "Failed"::equals);
      assertThat(resource.get().getStatus().getContainerStatuses()).singleElement()
          .satisfies(s -> assertThat(s.getState().getTerminated().getExitCode()).isEqualTo(4));
      assertThat(resource.getLog()).isEqualTo("one\ntwo\nhello-from-a-secret\n");
      assertThat(resource.tailingLines(1).getLog()).isEqualTo("hello-from-a-secret\n");
      assertThat(resource.limitBytes(6).getLog()).isEqualTo("one\ntw");
      resource.delete();
    } finally {
      kube.client().secrets().inNamespace(kube.namespace()).withName("greeting").delete();
    }
  }

  @Test
  void aPodThatFitsNoNodeStaysPendingAsUnschedulable() {
    PodResource resource = create(shellPod("echo never", Map.of("gpucompute.io/node", "elsewhere")));

    await("the scheduler's verdict").atMost(WAIT).pollInterval(POLL).untilAsserted(() ->
        assertThat(resource.get().getStatus().getConditions()).anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("PodScheduled");
          assertThat(c.getReason()).isEqualTo("Unschedulable");
        }));
    assertThat(resource.get().getSpec().getNodeName()).isNull();
    assertThat(kube.kubelet().liveContainers()).isEmpty();
    resource.delete();
  }

  @Test
  void deletingARunningPodKillsItsProcess() {
    PodResource resource = create(shellPod("sleep 300", Map.of()));
    await("the pod runs").atMost(WAIT).pollInterval(POLL).until(() -> phase(resource), "Running"::equals);
    assertThat(kube.kubelet().liveContainers()).hasSize(1);

    resource.delete();

    await("the pod is gone and its process killed").atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
      assertThat(resource.get()).isNull();
      assertThat(kube.kubelet().liveContainers()).isEmpty();
    });
  }

  private static Pod shellPod(String script, Map<String, String> nodeSelector) {
    return new PodBuilder().withNewMetadata().withGenerateName("pod-").endMetadata().withNewSpec()
        .withRestartPolicy("Never").withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
        .addNewContainer().withName("main").withImage("busybox:1.36").withCommand("sh", "-c").withArgs(script)
        .endContainer().endSpec().build();
  }

  private static PodResource create(Pod pod) {
    Pod created = kube.client().pods().inNamespace(kube.namespace()).resource(pod).create();
    return kube.client().pods().inNamespace(kube.namespace()).withName(created.getMetadata().getName());
  }

  private static String phase(PodResource resource) {
    Pod pod = resource.get();
    return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }
}
