package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.e2e.kubelet.LoopbackKubelet;
import io.gpucompute.provider.kubernetes.JobGroundTruth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class on the shared control plane: a fresh namespace whose pods a {@link LoopbackKubelet} runs (on one
 * node with {@code nodeLabels}), and a {@link JobLedger} of its Jobs. After each test and all its {@code @AfterEach}
 * methods, it fails the test if a Job, a pod or a container process is left in the namespace (waiting a while for the
 * garbage collector); after the class it stops the kubelet and deletes the namespace. Register it as a static field,
 * after {@link E2eTest}'s extensions (which start the control plane).
 */
public final class LoopbackKubeletExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback,
    JobGroundTruth {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CLEAN_UP_TIMEOUT = Duration.ofSeconds(60);

  private final String namespacePrefix;
  private final Map<String, String> nodeLabels;
  private String namespace;
  private KubernetesClient client;
  private LoopbackKubelet kubelet;
  private JobLedger ledger;

  /** @param namespacePrefix the start of the namespace's name (a random suffix follows) */
  public LoopbackKubeletExtension(String namespacePrefix, Map<String, String> nodeLabels) {
    this.namespacePrefix = namespacePrefix;
    this.nodeLabels = Map.copyOf(nodeLabels);
  }

  /** The namespace the kubelet serves. */
  public String namespace() {
    return namespace;
  }

  /** An admin client of the control plane. */
  public KubernetesClient client() {
    return client;
  }

  public LoopbackKubelet kubelet() {
    return kubelet;
  }

  public JobLedger ledger() {
    return ledger;
  }

  @Override
  public int jobsCreated(String jobName) {
    return ledger.jobsCreated(jobName);
  }

  /**
   * Fails unless nothing of the Job {@code jobName} runs: no container process of its pods, and every pod of it that
   * the API server still holds has ended (Succeeded or Failed).
   */
  @Override
  public void assertNothingLeftRunning(String jobName) {
    assertThat(kubelet.runsContainerOf(jobName)).as("a container of Job %s still runs", jobName).isFalse();
    List<Pod> pods = client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems();
    assertThat(pods).as("pods of Job %s that have not ended", jobName)
        .allSatisfy(pod -> assertThat(pod.getStatus().getPhase()).isIn("Succeeded", "Failed"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (ControlPlaneExtension.skipped()) {
      return;
    }
    client = ControlPlaneExtension.controlPlane(context).newClient();
    namespace = namespacePrefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    // Pods are refused until the namespace's default ServiceAccount has its token.
    await("the default ServiceAccount of " + namespace + " has its token").atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          ServiceAccount account = client.serviceAccounts().inNamespace(namespace).withName("default").get();
          return account != null && account.getSecrets() != null && !account.getSecrets().isEmpty();
        });
    ledger = new JobLedger(client, namespace);
    kubelet = LoopbackKubelet.start(client, namespace, nodeLabels, 8);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (kubelet == null) {
      return;
    }
    await("no Job, pod or container process left in " + namespace).atMost(CLEAN_UP_TIMEOUT)
        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).as("Jobs left").isEmpty();
          assertThat(client.pods().inNamespace(namespace).list().getItems()).as("pods left").isEmpty();
          assertThat(kubelet.liveContainers()).as("container processes left").isEmpty();
        });
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (kubelet != null) {
        kubelet.close();
      }
      if (ledger != null) {
        ledger.close();
      }
      if (namespace != null && client != null) {
        client.namespaces().withName(namespace).delete();
      }
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }
}
