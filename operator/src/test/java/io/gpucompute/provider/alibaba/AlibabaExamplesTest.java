package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.api.v1alpha1.AlibabaProviderSpec;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.operator.TestResources;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AlibabaECS examples parse into the API types as meant, and carry placeholders, not keys. */
class AlibabaExamplesTest {

  @Test
  void theProviderConfigExampleIsAnAlibabaEcsConfigWithAPlaceholderSecret() throws IOException {
    List<String> docs = TestResources.repositoryDocuments("examples/alibaba-providerconfig.yaml");

    Secret secret = Serialization.unmarshal(docs.get(1), Secret.class);
    ProviderConfig config = Serialization.unmarshal(docs.get(2), ProviderConfig.class);

    assertThat(secret.getStringData()).containsOnlyKeys(AlibabaEcsProviderFactory.ACCESS_KEY_ID,
        AlibabaEcsProviderFactory.ACCESS_KEY_SECRET).allSatisfy((k, v) -> assertThat(v).startsWith("REPLACE-"));
    assertThat(config.getSpec().getType()).isEqualTo(ProviderType.AlibabaECS);
    assertThat(config.getSpec().getRegion()).isEqualTo("cn-hangzhou");
    AlibabaProviderSpec alibaba = config.getSpec().getAlibaba();
    assertThat(alibaba.getVSwitchId()).isEqualTo("vsw-REPLACEME");
    assertThat(alibaba.getSecurityGroupId()).isEqualTo("sg-REPLACEME");
    assertThat(alibaba.getInstanceTypes()).hasSize(2);
    assertThat(Serialization.asJson(alibaba)).contains("\"vSwitchId\"").doesNotContain("vswitchId");
  }

  @Test
  void theJobExampleAsksForOneA10OnTheAlibabaConfig() throws IOException {
    GpuJob job = Serialization.unmarshal(TestResources.repositoryDocuments("examples/gpujob-alibaba.yaml").get(0), GpuJob.class);

    assertThat(job.getSpec().getProviderConfigRef().getName()).isEqualTo("alibaba");
    assertThat(job.getSpec().getGpu().getType()).isEqualTo("A10");
  }
}
