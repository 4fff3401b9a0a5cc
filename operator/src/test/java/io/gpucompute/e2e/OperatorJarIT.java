package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as its own JVM ({@link OperatorProcess}): it starts on the kubeconfig, answers its probes, serves
 * {@code /metrics}, runs a GpuJob on the Local provider to Succeeded, and exits on SIGTERM.
 */
@E2eTest
class OperatorJarIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void theJarRunsAJobAnswersItsProbesAndStopsOnSigterm(ControlPlane plane, @TempDir Path dir) throws Exception {
    KubernetesClient client = plane.client();
    String ns = "e2e-jar-" + java.util.UUID.randomUUID().toString().substring(0, 6);
    plane.kubectl().runWithInput(OperatorE2eTestBase.localProvider("e2e-jar", 1), "apply", "-f", "-").assertSuccess();
    plane.kubectl().run("create", "namespace", ns).assertSuccess();
    plane.kubectl().run("label", "namespace", ns, OperatorE2eTestBase.E2E_NAMESPACE_LABEL + "=true").assertSuccess();
    try (OperatorProcess operator = OperatorProcess.start(plane.kubeconfig(), "e2e-jar",
        OperatorProcess.fastEnvironment(dir.resolve("state")))) {
      operator.awaitReady(WAIT);
      assertThat(operator.status("/healthz")).isEqualTo(200);

      plane.kubectl().runWithInput(OperatorE2eTestBase.shellJob(ns, "hello", "e2e-jar", "echo hello from the jar"),
          "apply", "-f", "-").assertSuccess();
      GpuJob done = await("GpuJob hello Succeeded").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> client.resources(GpuJob.class).inNamespace(ns).withName("hello").get(),
              job -> job != null && job.getStatus() != null && job.getStatus().getPhase() == JobPhase.Succeeded);
      assertThat(done.getStatus().getLogTail()).contains("hello from the jar");
      assertThat(operator.body("/metrics")).hasValueSatisfying(text -> assertThat(text).contains("gpucompute_"));

      client.resources(GpuJob.class).inNamespace(ns).withName("hello").delete();
      await("GpuJob hello deleted (its finalizer done)").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> client.resources(GpuJob.class).inNamespace(ns).withName("hello").get() == null);

      assertThat(operator.sigterm(Duration.ofSeconds(30))).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
      assertThat(operator.logText()).contains("gpucompute operator stopping");
    } finally {
      client.resources(ProviderConfig.class).withName("e2e-jar").delete();
      client.namespaces().withName(ns).delete();
    }
  }
}
