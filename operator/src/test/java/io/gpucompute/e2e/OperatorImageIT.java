package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image (built by {@code hack/operator-image.sh build} on its Debian base) run the way the Helm chart's
 * Deployment runs it: the pod spec comes from {@code helm template}, and {@link PodmanRun} turns its container into a
 * {@code podman run} (image, env, user, read-only root, the emptyDir, the limits), with the chart's ServiceAccount
 * token, the CA and the namespace at the in-cluster paths and the API server on loopback. The chart is installed for
 * its RBAC. In the container the operator starts on its in-cluster configuration, sizes its heap from the memory
 * limit, answers its probes, serves /metrics, leads and renews its Lease under the chart's Role, runs a GpuJob on the
 * Kubernetes provider (the loopback kubelet's GPU node) to Succeeded, and stops on SIGTERM within the grace period.
 */
@E2eTest
class OperatorImageIT {

  @RegisterExtension
  static final LoopbackKubeletExtension gpuNode =
      new LoopbackKubeletExtension("e2e-image-node", FakeClusterExtension.A100_NODE);

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final String RELEASE = "gpucompute";
  private static final Pattern HEAP = Pattern.compile("JVM: (\\d+) MiB heap at most");

  @Test
  void theImageRunsAsTheChartDeploysItAndStopsWithinItsGracePeriod(ControlPlane plane, @TempDir Path dir)
      throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String tag = "e2e-" + id;
    String image = "gpucompute/operator:" + tag;
    String releaseNamespace = "e2e-image-" + id;
    String jobs = "e2e-image-jobs-" + id;
    String podName = "gpucompute-operator-e2e-" + id;
    int healthPort = OperatorProcess.freeLoopbackPort();
    HealthEndpoints health = new HealthEndpoints(healthPort);
    // The webhook needs its certificate Secret mounted, which podman does not do here; BudgetsIT tests it.
    // The Kubernetes provider's Jobs go to the loopback kubelet's namespace, the one the chart grants them.
    Map<String, String> values = Map.of("providers.kubernetes.enabled", "true",
        "providers.kubernetes.namespaces[0]", gpuNode.namespace(), "image.tag", tag,
        "healthPort", Integer.toString(healthPort), "webhook.enabled", "false");
    KubernetesClient client = plane.client();
    buildImage(tag);
    boolean installed = false;
    try {
      InstallCommand install = new Helm(ChartDeployment.CHART).install().withName(RELEASE)
          .withNamespace(releaseNamespace).createNamespace().withKubeConfig(plane.kubeconfig())
          .set("replicaCount", 0);
      values.forEach(install::set);
      assertThat(install.call().getStatus()).isEqualTo("deployed");
      installed = true;
      PodSpec pod = ChartDeployment.render(RELEASE, releaseNamespace, values).getSpec().getTemplate().getSpec();
      assertThat(pod.getContainers().get(0).getImage()).isEqualTo(image);
      Path serviceAccount = serviceAccountFiles(client, plane, releaseNamespace, pod.getServiceAccountName(), dir);

      List<String> run = new ArrayList<>(List.of("run", "--detach", "--network=host"));
      run.addAll(Podman.limits());
      run.addAll(PodmanRun.arguments(pod, podName, releaseNamespace, serviceAccount, "127.0.0.1",
          client.getMasterUrl().getPort()));
      Podman.run(Duration.ofMinutes(2), run).assertSuccess();
      try (LeaseHistory lease = new LeaseHistory(client, releaseNamespace)) {
        await("the operator in the container is ready").atMost(WAIT).pollInterval(POLL)
            .until(() -> health.status("/readyz") == 200 || !running(podName));
        assertThat(running(podName)).as("the container runs; its log:\n%s", logs(podName)).isTrue();
        assertThat(health.status("/healthz")).isEqualTo(200);
        String log = logs(podName);
        assertThat(log).as("in-cluster configuration: the API server from KUBERNETES_SERVICE_HOST/PORT")
            .contains("starting against https://127.0.0.1:" + client.getMasterUrl().getPort());
        Matcher heap = HEAP.matcher(log);
        assertThat(heap.find()).as("the start line names the heap limit").isTrue();
        assertThat(Integer.parseInt(heap.group(1))).as("MiB of heap: 75 % of the chart's 512Mi memory limit")
            .isBetween(300, 400);

        lease.awaitHolder(podName, WAIT);
        await("the leader renews its Lease under the chart's Role").atMost(WAIT).pollInterval(POLL)
            .until(() -> lease.renewalsBy(podName) >= 2);

        runAGpuJob(plane, client, jobs);
        assertThat(health.body("/metrics")).hasValueSatisfying(metrics -> assertThat(metrics)
            .contains("gpucompute_provider_requests_seconds_count{operation=\"submit\",outcome=\"success\""));

        Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());
        Instant stopping = Instant.now();
        Podman.run(grace.plusSeconds(30), "stop", "--time", Long.toString(grace.toSeconds()), podName)
            .assertSuccess();
        Duration stopped = Duration.between(stopping, Instant.now());
        System.out.printf("e2e: the operator container stopped %.1f s after SIGTERM%n", stopped.toMillis() / 1000.0);
        assertThat(stopped).as("stopped within the chart's grace period").isLessThan(grace);
        assertThat(Podman.run(Duration.ofSeconds(30), "inspect", "--format", "{{.State.ExitCode}}", podName)
            .assertSuccess().output().trim()).as("exit code after SIGTERM (128 + 15), not SIGKILL's 137")
            .isEqualTo("143");
        assertThat(logs(podName)).contains("released the Lease");
      }
    } finally {
      Podman.run(Duration.ofMinutes(1), "rm", "--force", podName);
      Podman.run(Duration.ofMinutes(1), "rmi", "--force", image);
      client.resources(ProviderConfig.class).withName(jobs).delete();
      client.namespaces().withName(jobs).delete();
      if (installed) {
        Helm.uninstall(RELEASE).withNamespace(releaseNamespace).withKubeConfig(plane.kubeconfig()).call();
      }
      client.namespaces().withName(releaseNamespace).delete();
    }
  }

  /** A Kubernetes ProviderConfig on the kubelet's GPU node; a GpuJob runs there to Succeeded and is deleted. */
  private static void runAGpuJob(ControlPlane plane, KubernetesClient client, String jobs) {
    plane.kubectl().run("create", "namespace", jobs).assertSuccess();
    plane.kubectl().runWithInput(OperatorE2eTestBase.gpuNodeProvider(jobs, gpuNode.namespace()), "apply", "-f", "-")
        .assertSuccess();
    plane.kubectl().runWithInput(OperatorE2eTestBase.shellJob(jobs, "from-the-image", jobs,
        "echo hello from the operator image"), "apply", "-f", "-").assertSuccess();
    GpuJob done = await("GpuJob from-the-image Succeeded").atMost(WAIT).pollInterval(POLL)
        .until(() -> client.resources(GpuJob.class).inNamespace(jobs).withName("from-the-image").get(),
            job -> job != null && job.getStatus() != null && job.getStatus().getPhase() == JobPhase.Succeeded);
    assertThat(done.getStatus().getLogTail()).contains("hello from the operator image");
    client.resources(GpuJob.class).inNamespace(jobs).withName("from-the-image").delete();
    await("GpuJob from-the-image deleted (its finalizer done)").atMost(WAIT).pollInterval(POLL)
        .until(() -> client.resources(GpuJob.class).inNamespace(jobs).withName("from-the-image").get() == null);
  }

  /** {@code hack/operator-image.sh build --debian-base --no-package --tag tag}: Jib on the jar package built. */
  private static void buildImage(String tag) throws IOException, InterruptedException {
    Path repoRoot = ControlPlaneExtension.repoRoot();
    Path log = repoRoot.resolve("operator/target/e2e-image-build.log");
    Process build = new ProcessBuilder("bash", "hack/operator-image.sh", "build", "--debian-base", "--no-package",
        "--tag", tag).directory(repoRoot.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!build.waitFor(15, TimeUnit.MINUTES)) {
      build.destroyForcibly();
    }
    assertThat(build.isAlive() ? -1 : build.exitValue())
        .as("hack/operator-image.sh build (see hack/install-deps.sh); its output:\n%s", Files.readString(log))
        .isZero();
  }

  /** The projected ServiceAccount volume: a token of the chart's ServiceAccount (TokenRequest), the CA, the namespace. */
  private static Path serviceAccountFiles(KubernetesClient client, ControlPlane plane, String namespace,
      String serviceAccount, Path dir) throws IOException {
    String token = client.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
    Path files = Files.createDirectories(dir.resolve("serviceaccount"));
    Files.writeString(files.resolve("token"), token);
    Files.copy(plane.kubeconfig().resolveSibling("pki/ca.crt"), files.resolve("ca.crt"));
    Files.writeString(files.resolve("namespace"), namespace);
    // Readable by the container's non-root user, as the kubelet makes them.
    Files.setPosixFilePermissions(files, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String name : List.of("token", "ca.crt", "namespace")) {
      Files.setPosixFilePermissions(files.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }
    return files;
  }

  private static boolean running(String container) {
    return Podman.run(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", container).output().trim()
        .equals("true");
  }

  private static String logs(String container) {
    return Podman.run(Duration.ofSeconds(30), "logs", container).output();
  }
}
