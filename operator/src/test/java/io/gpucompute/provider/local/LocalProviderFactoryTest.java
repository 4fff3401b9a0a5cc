package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProviderFactoryTest {

  @TempDir Path temp;

  @Test
  void buildsLocalProviders() {
    assertThat(factory().type()).isEqualTo(ProviderType.Local);
  }

  @Test
  void aSpecWithoutLocalSettingsHasNoGpus() throws ProviderException {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Local);

    try (GpuProvider provider = factory().create("local", spec, Credentials.NONE)) {
      assertThat(provider.probe().reason()).isEqualTo("NoGpus");
      assertThat(provider.offers()).isEmpty();
    }
  }

  @Test
  void aPriceThatIsNoNumberIsAnInvalidRequest() {
    LocalProviderFactory factory = factory();
    ProviderConfigSpec spec = LocalTestSupport.spec("A100", 1);
    spec.getPrices().set(0, new GpuPrice("A100", "1,89"));

    assertThatThrownBy(() -> factory.create("local", spec, Credentials.NONE))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InvalidPrice"));
  }

  @Test
  void settingsHaveDefaults() {
    LocalSettings settings = new LocalSettings(Path.of("relative"), null, null);

    assertThat(settings.stateDir()).isAbsolute();
    assertThat(settings.nvidiaSmi()).isEqualTo("nvidia-smi");
    assertThat(settings.cancelGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.workloadsDir()).isEqualTo(settings.stateDir().resolve("workloads"));
    assertThat(LocalSettings.withStateDir(temp).nvidiaSmi()).isEqualTo("nvidia-smi");
  }

  private LocalProviderFactory factory() {
    return new LocalProviderFactory(new LocalSettings(temp, LocalTestSupport.NO_NVIDIA_SMI, Duration.ofSeconds(1)));
  }
}
