package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

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
    spec.setAllowedNamespaces(TestResources.everyTestNamespace());

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
  void anOperatorWithoutLocalRefusesEveryLocalProviderConfigSayingHowToEnableIt() {
    Path untouched = temp.resolve("never-created");
    LocalProviderFactory disabled = new LocalProviderFactory(
        new LocalSettings(false, untouched, LocalTestSupport.NO_NVIDIA_SMI, null, Optional.empty()));

    assertThatThrownBy(() -> disabled.create("local", LocalTestSupport.spec("A100", 1), Credentials.NONE))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo(LocalProviderFactory.DISABLED))
        .hasMessageContaining("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED=true")
        .hasMessageContaining("providers.local.enabled=true");
    assertThat(untouched).as("a disabled Local provider touches nothing on the host").doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectorsThatAllowEveryNamespace")
  void aLocalProviderConfigMustNameItsNamespaces(String what, LabelSelector selector) {
    ProviderConfigSpec spec = LocalTestSupport.spec("A100", 1);
    spec.setAllowedNamespaces(selector);

    assertThatThrownBy(() -> factory().create("local", spec, Credentials.NONE))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo(LocalProviderFactory.ALLOWED_NAMESPACES_REQUIRED))
        .hasMessageContaining("spec.allowedNamespaces");
  }

  static Stream<Arguments> selectorsThatAllowEveryNamespace() {
    return Stream.of(Arguments.of("unset", null), Arguments.of("empty", new LabelSelector()),
        Arguments.of("empty lists", new LabelSelectorBuilder().withMatchLabels(Map.of())
            .withMatchExpressions(List.of()).build()));
  }

  @Test
  void runAsOtherUsersNeedsRootAndSetpriv() {
    assertThat(LocalHost.runAsProblem(Optional.of(1000), "/usr/bin/setpriv")).hasValueSatisfying(
        problem -> assertThat(problem).contains("uid 1000, not root"));
    assertThat(LocalHost.runAsProblem(Optional.empty(), "/usr/bin/setpriv")).isPresent();
    assertThat(LocalHost.runAsProblem(Optional.of(0), "setpriv")).hasValueSatisfying(
        problem -> assertThat(problem).contains("setpriv (util-linux) is not on the operator's PATH"));
    assertThat(LocalHost.runAsProblem(Optional.of(0), "/usr/bin/setpriv")).isEmpty();
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(nullValues = "unset", textBlock = """
      unset,         unset, unset
      70000,         unset, 'uids 70000, gid 70000'
      70000-70099,   unset, 'uids 70000-70099, gid 70000'
      ' 70000-70001', 4242, 'uids 70000-70001, gid 4242'
      """)
  void runAsUsersAreReadFromTheirVariables(String user, String group, String expected) {
    assertThat(LocalSettings.RunAs.parse(user, group).map(Object::toString).orElse(null)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(textBlock = """
      root,     '',     GPUCOMPUTE_LOCAL_RUN_AS_USER must be a number
      0,        '',     uids above 0
      70001-70000, '',  uids above 0
      70000,    wheel,  GPUCOMPUTE_LOCAL_RUN_AS_GROUP must be a number
      70000,    0,      a gid above 0
      """)
  void runAsUsersThatAreRootOrNoNumbersAreRefused(String user, String group, String message) {
    assertThatThrownBy(() -> LocalSettings.RunAs.parse(user, group)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void settingsHaveDefaults() {
    LocalSettings settings = LocalSettings.enabled(Path.of("relative"), null, null);

    assertThat(settings.stateDir()).isAbsolute();
    assertThat(settings.nvidiaSmi()).isEqualTo("nvidia-smi");
    assertThat(settings.cancelGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.workloadsDir()).isEqualTo(settings.stateDir().resolve("workloads"));
    assertThat(LocalSettings.withStateDir(temp).nvidiaSmi()).isEqualTo("nvidia-smi");
  }

  private LocalProviderFactory factory() {
    return new LocalProviderFactory(LocalSettings.enabled(temp, LocalTestSupport.NO_NVIDIA_SMI, Duration.ofSeconds(1)));
  }
}
