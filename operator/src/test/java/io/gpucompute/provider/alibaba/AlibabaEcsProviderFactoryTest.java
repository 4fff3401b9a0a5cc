package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.ProviderException;
import org.junit.jupiter.api.Test;

/** What the factory needs from a ProviderConfig before it talks to Alibaba. */
class AlibabaEcsProviderFactoryTest {

  private final AlibabaEcsProviderFactory factory = new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS);

  private static ProviderConfigSpec spec() {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.AlibabaECS);
    spec.setRegion("cn-hangzhou");
    spec.setEndpoint("http://127.0.0.1:9");
    spec.setAlibaba(new io.gpucompute.api.v1alpha1.AlibabaProviderSpec());
    spec.getAlibaba().setSecurityGroupId("sg-a");
    spec.getAlibaba().setVSwitchId("vsw-a");
    return spec;
  }

  @Test
  void buildsTheAlibabaEcsType() throws ProviderException {
    assertThat(factory.type()).isEqualTo(ProviderType.AlibabaECS);
    factory.create("a", spec(), AlibabaTestSupport.credentials()).close();
  }

  @Test
  void needsTheAlibabaBlockWithNetwork() {
    ProviderConfigSpec noBlock = spec();
    noBlock.setAlibaba(null);
    ProviderConfigSpec noSwitch = spec();
    noSwitch.getAlibaba().setVSwitchId(null);

    assertThatThrownBy(() -> factory.create("a", noBlock, AlibabaTestSupport.credentials()))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("spec.alibaba");
    assertThatThrownBy(() -> factory.create("a", noSwitch, AlibabaTestSupport.credentials()))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("vSwitchId");
  }

  @Test
  void needsARegion() {
    ProviderConfigSpec spec = spec();
    spec.setRegion(null);

    assertThatThrownBy(() -> factory.create("a", spec, AlibabaTestSupport.credentials()))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("spec.region");
  }

  @Test
  void anUnreachableEndpointIsTransientNotACredentialsProblem() throws ProviderException {
    // Port 9 (discard) on loopback: nothing listens there on a test host.
    var probe = factory.create("a", spec(), AlibabaTestSupport.credentials()).probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("ProviderUnreachable");
  }
}
