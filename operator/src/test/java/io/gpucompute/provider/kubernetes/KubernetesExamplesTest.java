package io.gpucompute.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.tencent.TencentTkeProviderFactory;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Kubernetes and TencentTKE examples parse into the API types as meant, and carry placeholders, not keys. */
class KubernetesExamplesTest {

  @Test
  void theKubernetesProviderConfigMapsGpuTypesToNodeLabels() throws IOException {
    ProviderConfig config = Serialization.unmarshal(TestResources.repositoryDocuments("examples/kubernetes-providerconfig.yaml").get(0),
        ProviderConfig.class);

    assertThat(config.getSpec().getType()).isEqualTo(ProviderType.Kubernetes);
    assertThat(config.getSpec().getKubernetes().getNodeSelectors()).containsOnlyKeys("A100", "H100");
    assertThat(config.getSpec().getKubernetes().getTolerations()).hasSize(1);
    assertThat(config.getSpec().getPrices()).hasSize(2);
  }

  @Test
  void theKubernetesJobExampleAsksForOneA100OnThatConfig() throws IOException {
    GpuJob job = Serialization.unmarshal(TestResources.repositoryDocuments("examples/gpujob-kubernetes.yaml").get(0), GpuJob.class);

    assertThat(job.getSpec().getProviderConfigRef().getName()).isEqualTo("kubernetes");
    assertThat(job.getSpec().getGpu().getType()).isEqualTo("A100");
  }

  @Test
  void theTencentProviderConfigNamesAClusterAndHasAPlaceholderSecret() throws IOException {
    List<String> docs = TestResources.repositoryDocuments("examples/tencent-providerconfig.yaml");

    Secret secret = Serialization.unmarshal(docs.get(1), Secret.class);
    ProviderConfig config = Serialization.unmarshal(docs.get(2), ProviderConfig.class);

    assertThat(secret.getStringData()).containsOnlyKeys(TencentTkeProviderFactory.SECRET_ID,
        TencentTkeProviderFactory.SECRET_KEY).allSatisfy((k, v) -> assertThat(v).startsWith("REPLACE-"));
    assertThat(config.getSpec().getType()).isEqualTo(ProviderType.TencentTKE);
    assertThat(config.getSpec().getRegion()).isEqualTo("ap-guangzhou");
    assertThat(config.getSpec().getTencent().getClusterId()).matches("^cls-[a-z0-9]+$");
    assertThat(config.getSpec().getTencent().getNamespace()).isEqualTo("gpu-jobs");
    assertThat(config.getSpec().getTencent().getGpuNodeSelectors()).containsOnlyKeys("T4", "A10");
  }
}
