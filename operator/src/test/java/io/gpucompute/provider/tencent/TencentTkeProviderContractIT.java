package io.gpucompute.provider.tencent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.EnvVarSource;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.SecretKeySelector;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.ControlPlaneExtension;
import io.gpucompute.e2e.E2eTest;
import io.gpucompute.e2e.LoopbackKubeletExtension;
import io.gpucompute.e2e.SecretCanary;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import io.gpucompute.provider.kubernetes.JobGroundTruth;
import io.gpucompute.provider.kubernetes.KubernetesJobsContractTest;
import io.gpucompute.secrets.SecretValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TencentTKE adapter against the provider contract with a real kube-apiserver and kube-controller-manager as the
 * "TKE cluster": the {@link TkeStub} (signatures verified) hands out a kubeconfig for the e2e control plane with the
 * token of a ServiceAccount that may only act in the Jobs' namespace (role {@code admin} there), and a
 * {@link io.gpucompute.e2e.kubelet.LoopbackKubelet} plays scheduler and kubelet. Ground truth: the API server and
 * the kubelet's processes. The key is the run's {@link SecretCanary}; one test runs the operator on it, for the
 * suite-wide check that the canary shows nowhere.
 */
@E2eTest
class TencentTkeProviderContractIT extends KubernetesJobsContractTest {

  private static final String SERVICE_ACCOUNT = "tke-operator";

  @RegisterExtension
  static final LoopbackKubeletExtension kube = new LoopbackKubeletExtension("contract-tke",
      FakeClusterExtension.A100_NODE);

  private static TkeStub stub;

  /** Runs after the suite's {@code @AfterEach} has cancelled every key and closed the provider. */
  @RegisterExtension
  final AfterEachCallback checkTheStubsVerdict = context -> {
    if (stub != null) {
      assertThat(stub.violations()).as("what the TKE stub flagged in signed requests").isEmpty();
    }
  };

  @BeforeAll
  static void startStub() throws Exception {
    if (ControlPlaneExtension.skipped()) {
      return; // each test reports the skip
    }
    String kubeconfig = serviceAccountKubeconfig(kube.client(), kube.namespace());
    // The run's secret canary is the key: as the operator would, having read it from the credentials Secret.
    SecretValues.remember(List.of(SecretCanary.VALUE));
    stub = new TkeStub(n -> kubeconfig, SecretCanary.VALUE);
  }

  @AfterAll
  static void stopStub() {
    if (stub != null) {
      stub.close();
    }
  }

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    return TkeStubExtension.provider(TkeStubExtension.spec(stub, kube.namespace(), t -> {}), SecretCanary.VALUE);
  }

  /**
   * The error table's "403 on the remote cluster", with the real API server's RBAC: in a namespace where the
   * cluster's ServiceAccount has no role, the probe is not ready and a submit fails, both naming the permission.
   */
  @Test
  void aNamespaceTheClustersCredentialsMayNotUseIsForbiddenNamingThePermission() throws ProviderException {
    GpuProvider forbidden = TkeStubExtension.provider(TkeStubExtension.spec(stub, "default", t -> {}),
        SecretCanary.VALUE);
    try {
      ProbeResult probe = forbidden.probe();
      assertThat(probe.ready()).isFalse();
      assertThat(probe.reason()).isEqualTo("Forbidden");
      assertThat(probe.message()).contains("system:serviceaccount:" + kube.namespace() + ":" + SERVICE_ACCOUNT)
          .contains("resource \"jobs\" in API group \"batch\"");

      assertThatThrownBy(() -> forbidden.submit(succeedingWorkload(newKey())))
          .isInstanceOfSatisfying(ProviderException.Transient.class,
              e -> assertThat(e.reason()).isEqualTo("Forbidden"))
          .hasMessageContaining("resource \"jobs\" in API group \"batch\"")
          .hasMessageContaining("grant it the RBAC permission");
      assertThat(kube.client().batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
    } finally {
      forbidden.close();
    }
  }

  /**
   * The run's secret canary through the operator, as it reaches TencentTKE in production: the {@code SecretKey} of a
   * TencentTKE ProviderConfig's credentials Secret (it signs every request to the stub) and a {@code secretKeyRef} env
   * of a GpuJob on it. The workload gets the value; no Event, no status of any object, no metric and no log line
   * shows it.
   */
  @Test
  void aGpuJobWithTheCanaryAsKeyAndAsSecretEnvGetsItAndShowsItNowhere(ControlPlane plane, @TempDir Path stateDir) {
    String ns = kube.namespace();
    String config = "tke-canary";
    try (KubernetesClient client = plane.newClient()) {
      Map<String, String> credentials = new HashMap<>(TkeStub.credentials(TkeStub.SECRET_ID, SecretCanary.VALUE));
      credentials.put("token", SecretCanary.VALUE);
      TestResources.createSecret(client, ns, config, credentials);
      TestResources.createProviderConfig(client, config, TkeStubExtension.spec(stub, ns, t -> {}), ns, config);
      OperatorSettings settings = MockCluster.fastSettings(stateDir);
      try (GpuComputeOperator operator = GpuComputeOperator.start(client, settings, Clock.systemUTC(), o -> {},
          List.of(new TencentTkeProviderFactory(Duration.ofSeconds(5))))) {
        client.resource(TestResources.shellJob(ns, "canary", config, "[ -n \"$TOKEN\" ] && echo has-token",
            s -> s.setEnv(List.of(new EnvVar("TOKEN", null,
                new EnvVarSource(new SecretKeySelector(config, "token"))))))).create();

        GpuJob done = await("GpuJob canary on TencentTKE succeeds").atMost(completionTimeout())
            .pollInterval(Duration.ofMillis(200))
            .until(() -> client.resources(GpuJob.class).inNamespace(ns).withName("canary").get(),
                job -> job != null && job.getStatus() != null && job.getStatus().getPhase() == JobPhase.Succeeded);

        SecretCanary.usedBy("TencentTKE");
        assertThat(done.getStatus().getLogTail()).as("the workload had the value").contains("has-token");
        assertThat(SecretCanary.leaksIn(client, operator.metrics().scrape())).isEmpty();
        assertThat(SecretCanary.logLeaks()).isEmpty();
        client.resources(GpuJob.class).inNamespace(ns).withName("canary").delete();
        await("GpuJob canary deleted, its Job cancelled").atMost(completionTimeout())
            .until(() -> client.resources(GpuJob.class).inNamespace(ns).withName("canary").get() == null);
      } finally {
        client.resources(GpuJob.class).inNamespace(ns).withName("canary").delete();
        client.resources(ProviderConfig.class).withName(config).delete();
        client.secrets().inNamespace(ns).withName(config).delete();
      }
    }
  }

  @Override
  protected JobGroundTruth jobs() {
    return kube;
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(60);
  }

  /** A kubeconfig for the control plane with the token of a new ServiceAccount that is admin of {@code namespace}. */
  private static String serviceAccountKubeconfig(KubernetesClient client, String namespace) {
    client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName(SERVICE_ACCOUNT).endMetadata().build()).create();
    client.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
        .withName(SERVICE_ACCOUNT + "-admin").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("admin")
        .endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(SERVICE_ACCOUNT).withNamespace(namespace).endSubject()
        .build()).create();
    // kube-controller-manager 1.20 puts each ServiceAccount's token into a Secret.
    String tokenSecret = await("the token of ServiceAccount " + SERVICE_ACCOUNT).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          ServiceAccount account = client.serviceAccounts().inNamespace(namespace).withName(SERVICE_ACCOUNT).get();
          return account.getSecrets() == null || account.getSecrets().isEmpty() ? null
              : account.getSecrets().get(0).getName();
        }, name -> name != null);
    Secret secret = client.secrets().inNamespace(namespace).withName(tokenSecret).get();
    String token = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: %s
            certificate-authority-data: %s
          name: %s
        contexts:
        - context:
            cluster: %s
            user: %s
          name: %s-context-default
        current-context: %s-context-default
        users:
        - name: %s
          user:
            token: %s
        """.formatted(client.getMasterUrl(), client.getConfiguration().getCaCertData(), TkeStub.CLUSTER_ID,
        TkeStub.CLUSTER_ID, SERVICE_ACCOUNT, TkeStub.CLUSTER_ID, TkeStub.CLUSTER_ID, SERVICE_ACCOUNT, token);
  }
}
