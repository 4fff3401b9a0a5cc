package io.gpucompute.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An e2e test with its own in-process operator (a fresh Local state directory per test). After each test, every
 * GpuJob is deleted while the operator still runs (its finalizer stops their processes), then every
 * ProviderConfig and the test's namespaces, so the next test starts from a clean cluster.
 */
@E2eTest
abstract class OperatorE2eTestBase {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final Duration POLL = Duration.ofMillis(200);
  /** The label of the namespaces {@link #createNamespace} makes. */
  static final String E2E_NAMESPACE_LABEL = "gpucompute.io/e2e";

  ControlPlane cluster;
  KubernetesClient client;
  Kubectl kubectl;
  /** The Local provider's state directory, kept across {@link #restartOperator()}. */
  Path stateDir;
  /** A scratch directory for files the test's jobs write. */
  Path workDir;
  InProcessOperator operator;
  private final List<String> namespaces = new ArrayList<>();

  @BeforeEach
  void startOperator(ControlPlane cluster, @TempDir Path tempDir) throws Exception {
    this.cluster = cluster;
    this.client = cluster.client();
    this.kubectl = cluster.kubectl();
    this.stateDir = Files.createDirectories(tempDir.resolve("local-state"));
    this.workDir = Files.createDirectories(tempDir.resolve("work"));
    this.operator = InProcessOperator.start(cluster, stateDir);
  }

  /** Stops the operator (its workloads keep running) and starts a new one on the same state directory. */
  void restartOperator() {
    operator.close();
    operator = null;
    operator = InProcessOperator.start(cluster, stateDir);
  }

  @AfterEach
  void cleanUp() {
    try {
      if (operator != null) {
        client.resources(GpuDag.class).inAnyNamespace().delete();
        await("every GpuDag deleted (the operator's finalizer done)").atMost(WAIT).pollInterval(POLL)
            .until(() -> client.resources(GpuDag.class).inAnyNamespace().list().getItems().isEmpty());
        client.resources(GpuJob.class).inAnyNamespace().delete();
        await("every GpuJob deleted (the operator's finalizer done)").atMost(WAIT).pollInterval(POLL)
            .until(() -> client.resources(GpuJob.class).inAnyNamespace().list().getItems().isEmpty());
      }
      client.resources(ProviderConfig.class).delete();
      await("every ProviderConfig deleted").atMost(WAIT).pollInterval(POLL)
          .until(() -> client.resources(ProviderConfig.class).list().getItems().isEmpty());
      for (String namespace : namespaces) {
        client.namespaces().withName(namespace).delete();
      }
    } finally {
      if (operator != null) {
        operator.close();
        operator = null;
      }
    }
  }

  /**
   * Creates a namespace named {@code prefix-<random>}, labelled {@value #E2E_NAMESPACE_LABEL} (which
   * {@link #localProvider} allows), deleted after the test.
   */
  String createNamespace(String prefix) {
    return createNamespace(prefix, Map.of(E2E_NAMESPACE_LABEL, "true"));
  }

  /** Creates a namespace named {@code prefix-<random>} with {@code labels}, deleted after the test. */
  String createNamespace(String prefix, Map<String, String> labels) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels(labels).endMetadata().build()).create();
    namespaces.add(name);
    return name;
  }

  /**
   * A token of ServiceAccount {@code namespace/serviceAccount}, from a service-account-token Secret (labelled
   * {@code gpucompute.io/e2e-token}) that the token controller fills.
   */
  String serviceAccountToken(String namespace, String serviceAccount) {
    String name = serviceAccount + "-e2e-token-" + UUID.randomUUID().toString().substring(0, 6);
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("gpucompute.io/e2e-token", "true"))
        .withAnnotations(Map.of("kubernetes.io/service-account.name", serviceAccount)).endMetadata()
        .withType("kubernetes.io/service-account-token").build()).create();
    Secret secret = await("the token controller fills Secret " + name).atMost(WAIT).pollInterval(POLL)
        .until(() -> client.secrets().inNamespace(namespace).withName(name).get(),
            s -> s != null && s.getData() != null && s.getData().get("token") != null);
    return new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
  }

  GpuJob job(String namespace, String name) {
    return client.resources(GpuJob.class).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the job exists with a status that satisfies {@code condition}, and returns it. */
  GpuJob awaitJob(String namespace, String name, String what, Predicate<GpuJobStatus> condition) {
    return await("GpuJob " + namespace + "/" + name + " " + what).atMost(WAIT).pollInterval(POLL)
        .until(() -> job(namespace, name), j -> j != null && j.getStatus() != null && condition.test(j.getStatus()));
  }

  GpuJob awaitPhase(String namespace, String name, JobPhase phase) {
    return awaitJob(namespace, name, "in phase " + phase, status -> status.getPhase() == phase);
  }

  /** Waits until a job's script has written its shell's pid ({@code echo $$ > pidFile}), and returns it. */
  long awaitPid(Path pidFile) throws IOException {
    await("the job's process started").atMost(WAIT).pollInterval(POLL)
        .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    return Long.parseLong(Files.readString(pidFile).trim());
  }

  /** Waits, with {@code kubectl wait}, for condition {@code condition} of GpuJob {@code name}. */
  void kubectlWait(String namespace, String name, String condition) {
    kubectlWait(namespace, "gpujob/" + name, condition, WAIT);
  }

  /** Waits with the real {@code kubectl wait --for=condition=...} on {@code kind/name}; fails unless it holds in time. */
  void kubectlWait(String namespace, String object, String condition, java.time.Duration timeout) {
    kubectl.run(timeout.plusSeconds(30), "wait", "--for=condition=" + condition, object, "-n", namespace,
        "--timeout=" + timeout.toSeconds() + "s").assertSuccess();
  }

  /** Applies a manifest with {@code kubectl apply -f -}; fails the test unless kubectl succeeds. */
  Kubectl.Result apply(String yaml) {
    return kubectl.runWithInput(yaml, "apply", "-f", "-").assertSuccess();
  }

  /**
   * A Local ProviderConfig {@code name} with {@code gpus} A100s at 1.10 USD per GPU-hour, for the namespaces of
   * {@link #createNamespace}.
   */
  static String localProvider(String name, int gpus) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: %s
        spec:
          type: Local
          allowedNamespaces:
            matchLabels:
              gpucompute.io/e2e: "true"
          local:
            gpus:
              - type: A100
                count: %d
          prices:
            - gpuType: A100
              pricePerHour: "1.10"
        """.formatted(name, gpus);
  }

  /**
   * A Kubernetes ProviderConfig {@code name} whose Jobs run in {@code namespace} on the A100 node of a
   * {@link LoopbackKubeletExtension} ({@code FakeClusterExtension.A100_NODE}), at 2 USD per GPU-hour.
   */
  static String gpuNodeProvider(String name, String namespace) {
    return kubernetesProvider(name, namespace) + """
            nodeSelectors:
              A100:
                nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB
          prices:
            - gpuType: A100
              pricePerHour: "2.00"
        """;
  }

  /** A Kubernetes ProviderConfig {@code name} whose Jobs run in {@code namespace}, any GPU type, no prices. */
  static String kubernetesProvider(String name, String namespace) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: %s
        spec:
          type: Kubernetes
          kubernetes:
            namespace: %s
        """.formatted(name, namespace);
  }

  /** A GpuJob that runs {@code script} with {@code sh -c} on one A100 of ProviderConfig {@code provider}. */
  static String shellJob(String namespace, String name, String provider, String script) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: %s
          namespace: %s
        spec:
          providerConfigRef:
            name: %s
          image: busybox:1.36
          command: ["sh", "-c", %s]
          gpu:
            type: A100
            count: 1
        """.formatted(name, namespace, provider, yamlString(script));
  }

  /** {@code text} as a double-quoted YAML (and JSON) string. */
  static String yamlString(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
