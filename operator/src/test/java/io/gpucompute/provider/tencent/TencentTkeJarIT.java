package io.gpucompute.provider.tencent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.ControlPlaneExtension;
import io.gpucompute.e2e.OperatorProcess;
import io.gpucompute.operator.TestResources;
import io.gpucompute.providerconfig.ProviderConfigCondition;
import io.gpucompute.status.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar carries only the Tencent Cloud SDK's common core and its TKE product (operator/pom.xml). Here that
 * jar, as its own JVM, probes a TencentTKE ProviderConfig aimed at the {@link TkeStub}: the SDK signs, sends and reads
 * DescribeClusters and DescribeClusterKubeconfig, and the ProviderConfig becomes Ready on the kubeconfig it got (the
 * e2e control plane's).
 */
@ExtendWith(ControlPlaneExtension.class)
class TencentTkeJarIT {

  @Test
  void theJarsTrimmedTencentSdkProbesATkeCluster(ControlPlane plane, @TempDir Path dir) throws Exception {
    String namespace = "e2e-tke-jar-" + UUID.randomUUID().toString().substring(0, 6);
    String kubeconfig = Files.readString(plane.kubeconfig());
    KubernetesClient client = plane.client();
    try (TkeStub stub = new TkeStub(n -> kubeconfig)) {
      TestResources.createNamespace(client, namespace, Map.of());
      TestResources.createSecret(client, namespace, "tke", TkeStub.credentials(TkeStub.SECRET_ID, TkeStub.SECRET_KEY));
      TestResources.createProviderConfig(client, namespace, TkeStubExtension.spec(stub, namespace, t -> {}),
          namespace, "tke");
      try (OperatorProcess operator = OperatorProcess.start(plane.kubeconfig(), "e2e-tke-jar",
          OperatorProcess.fastEnvironment(dir.resolve("state")))) {
        await("ProviderConfig " + namespace + " Ready").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200)).until(() -> {
              ProviderConfig config = client.resources(ProviderConfig.class).withName(namespace).get();
              return config.getStatus() != null && Conditions.isTrue(config.getStatus().getConditions(), ProviderConfigCondition.READY);
            });
        assertThat(stub.actions()).contains("DescribeClusters", "DescribeClusterKubeconfig");
        assertThat(stub.violations()).as("what the stub flagged in the jar's signed requests").isEmpty();
        assertThat(operator.logText()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
      }
    } finally {
      client.resources(ProviderConfig.class).withName(namespace).delete();
      client.namespaces().withName(namespace).delete();
    }
  }
}
