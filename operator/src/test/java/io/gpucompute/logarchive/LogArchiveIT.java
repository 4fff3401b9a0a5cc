package io.gpucompute.logarchive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.api.v1alpha1.ArchivedLog;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.E2eTest;
import io.gpucompute.e2e.LoopbackKubeletExtension;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import io.gpucompute.provider.kubernetes.KubernetesProviderFactory;
import io.gpucompute.provider.local.LocalProviderFactory;
import io.gpucompute.provider.runpod.RunPodProviderFactory;
import io.gpucompute.provider.runpod.RunPodSettings;
import io.gpucompute.provider.runpod.RunPodStub;
import io.gpucompute.provider.runpod.RunPodStubExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log archive end to end, on the real API server with S3Proxy as the bucket: one GpuJob on each of a Local, a
 * RunPod (the stub) and a Kubernetes (the loopback kubelet) ProviderConfig writes more than 5 MB, far beyond the log
 * tail. Each job's status.logs names its object before it runs; once the jobs have ended and are deleted (their
 * processes, pods and Jobs gone) the bucket holds each one's whole output, byte for byte, and no job's environment
 * held a storage credential or the upload URL.
 */
@E2eTest
class LogArchiveIT {

  @RegisterExtension
  static final LoopbackKubeletExtension kube = new LoopbackKubeletExtension("logs-kube", FakeClusterExtension.A100_NODE);

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String BUCKET = "gpujob-logs";

  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension(BUCKET);

  /** {@code seq 1 750000}: 5.2 MB. */
  private static final int LINES = 750_000;

  @Test
  void eachProvidersJobHasItsWholeOutputInTheBucketAfterTheJobIsGone(ControlPlane plane, @TempDir Path temp)
      throws Exception {
    String ns = kube.namespace();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put("local", "logs-local-" + suffix);
    configs.put("runpod", "logs-runpod-" + suffix);
    configs.put("kubernetes", "logs-kube-" + suffix);
    try (KubernetesClient client = plane.newClient()) {
      client.resource(new SecretBuilder().withNewMetadata().withName("log-archive").withNamespace(ns).endMetadata()
          .addToStringData("accessKeyId", S3ProxyServer.ACCESS_KEY_ID)
          .addToStringData("secretAccessKey", S3ProxyServer.SECRET_ACCESS_KEY).build()).create();
      client.resource(new SecretBuilder().withNewMetadata().withName("runpod").withNamespace(ns).endMetadata()
          .addToStringData(RunPodProviderFactory.API_KEY, RunPodStub.API_KEY).build()).create();
      configs.forEach((type, name) -> client.resource(providerConfig(type, name, ns, runpod.stub().url())).create());

      OperatorSettings settings = MockCluster.fastSettings(temp.resolve("local"));
      try (GpuComputeOperator operator = GpuComputeOperator.start(client, settings, Clock.systemUTC(), o -> {},
          List.of(new LocalProviderFactory(settings.local()), new RunPodProviderFactory(new RunPodSettings(
              Duration.ofSeconds(10), Duration.ofMillis(250), Duration.ofSeconds(3), 200, temp.toString())),
              new KubernetesProviderFactory(client)))) {
        configs.forEach((type, name) -> client.resource(job(ns, type, name, temp.resolve(type + ".env"))).create());

        for (String type : configs.keySet()) {
          GpuJob done = await("the " + type + " job succeeded").atMost(WAIT).pollInterval(Duration.ofMillis(500))
              .until(() -> client.resources(GpuJob.class).inNamespace(ns).withName(type).get(),
                  j -> j != null && j.getStatus() != null && j.getStatus().getPhase() == JobPhase.Succeeded);
          GpuJobStatus status = done.getStatus();
          assertThat(status.getLogTail()).as("the log tail of the %s job", type).hasSizeLessThan(20_000);
          assertThat(status.getLogs()).as("status.logs of the %s job", type).singleElement().isEqualTo(
              new ArchivedLog(1, "s3://" + BUCKET + "/gpujobs/" + ns + "/" + type + "/" + done.getMetadata().getUid()
                  + "/attempt-1.log", s3().endpoint()));
        }
        client.resources(GpuJob.class).inNamespace(ns).delete();
        await("every job deleted, its workload with it").atMost(WAIT)
            .until(() -> client.resources(GpuJob.class).inNamespace(ns).list().getItems().isEmpty());
      } finally {
        client.resources(GpuJob.class).inNamespace(ns).delete();
        configs.values().forEach(name -> client.resources(ProviderConfig.class).withName(name).delete());
      }
    }

    byte[] expected = S3ProxyExtension.seq(LINES);
    for (String type : configs.keySet()) {
      String prefix = "gpujobs/" + ns + "/" + type + "/";
      List<String> keys = s3().client().listObjectsV2(request -> request.bucket(BUCKET).prefix(prefix)).contents()
          .stream().map(object -> object.key()).toList();
      assertThat(keys).as("the archived logs of the %s job", type).singleElement()
          .satisfies(key -> assertThat(key).endsWith("/attempt-1.log"));
      assertThat(s3().read(BUCKET, keys.get(0))).as("the archived output of the %s job", type).isEqualTo(expected);
      assertThat(Files.readString(temp.resolve(type + ".env"))).as("the environment of the %s job", type)
          .doesNotContain(S3ProxyServer.ACCESS_KEY_ID).doesNotContain(S3ProxyServer.SECRET_ACCESS_KEY)
          .doesNotContain(LogUpload.URL_VARIABLE).doesNotContain("X-Amz-Signature");
    }
  }

  private static ProviderConfig providerConfig(String type, String name, String ns, String runpodUrl) {
    String settings = switch (type) {
      case "local" -> "type: Local\n  allowedNamespaces: {matchLabels: {kubernetes.io/metadata.name: " + ns + "}}\n"
          + "  local: {gpus: [{type: A100, count: 1}]}";
      case "runpod" -> "type: RunPod\n  endpoint: " + runpodUrl + "\n  credentialsSecretRef: {namespace: " + ns
          + ", name: runpod}";
      default -> "type: Kubernetes\n  kubernetes: {nodeSelectors: {A100: {nvidia.com/gpu.product: "
          + "NVIDIA-A100-SXM4-80GB}}}";
    };
    return Serialization.unmarshal("""
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: %s
        spec:
          %s
          logArchive:
            bucket: %s
            endpoint: %s
            pathStyle: true
            uploadIntervalSeconds: 10
            credentialsSecretRef: {namespace: %s, name: log-archive}
        """.formatted(name, settings, BUCKET, s3().endpoint(), ns), ProviderConfig.class);
  }

  /** Writes its environment to {@code envFile}, then more than 5 MB to stdout. */
  private static GpuJob job(String ns, String name, String config, Path envFile) {
    return Serialization.unmarshal("""
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: %s
          namespace: %s
        spec:
          providerConfigRef: {name: %s}
          image: busybox:1.36
          command: ["sh", "-c", "env > '%s'; seq 1 %d"]
          gpu: {type: A100, count: 1}
        """.formatted(name, ns, config, envFile, LINES), GpuJob.class);
  }

  private static S3ProxyServer s3() {
    return S3.server();
  }
}
