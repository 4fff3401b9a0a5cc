package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link PodmanRun} turns the chart's operator pod into podman arguments (unit: real helm template, no podman). */
class PodmanRunTest {

  private static PodSpec chartPod() {
    return ChartDeployment.render("gpucompute", "ops", Map.of("image.tag", "1.2.3", "webhook.enabled", "false")).getSpec().getTemplate()
        .getSpec();
  }

  @Test
  void theChartsPodBecomesARunWithItsSecurityVolumesLimitsAndInClusterEnvironment() {
    List<String> args = PodmanRun.arguments(chartPod(), "op-0", "ops", Path.of("/sa"), "127.0.0.1", 6443);

    assertThat(String.join(" ", args)).contains(
        "--user 65532:65532", "--group-add 65532", "--read-only --read-only-tmpfs=false",
        "--security-opt no-new-privileges", "--cap-drop=ALL",
        "--mount type=tmpfs,destination=/tmp,tmpfs-mode=1777",
        "--volume /sa:/var/run/secrets/kubernetes.io/serviceaccount:ro",
        "--memory 536870912b", "--cpus 1",
        "--env POD_NAME=op-0", "--env POD_NAMESPACE=ops", "--env GPUCOMPUTE_LEADER_ELECTION_NAMESPACE=ops",
        "--env KUBERNETES_SERVICE_HOST=127.0.0.1", "--env KUBERNETES_SERVICE_PORT=6443");
    assertThat(args.get(args.size() - 1)).as("the image comes last: no command or args in the chart")
        .isEqualTo("gpucompute/operator:1.2.3");
  }

  @Test
  void whatItCannotTranslateFailsInsteadOfBeingDropped() {
    PodSpec withHostPath = chartPod();
    withHostPath.getVolumes().set(0, new VolumeBuilder().withName(withHostPath.getVolumes().get(0).getName())
        .withNewHostPath("/var/lib/x", null).build());
    assertThatThrownBy(() -> PodmanRun.arguments(withHostPath, "op-0", "ops", Path.of("/sa"), "h", 1))
        .hasMessageContaining("is not an emptyDir");

    PodSpec rootUser = chartPod();
    rootUser.getSecurityContext().setRunAsUser(0L);
    rootUser.getContainers().get(0).getSecurityContext().setRunAsUser(null);
    assertThatThrownBy(() -> PodmanRun.arguments(rootUser, "op-0", "ops", Path.of("/sa"), "h", 1))
        .hasMessageContaining("runAsNonRoot");
  }
}
