package io.gpucompute.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.provider.local.LocalSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The operator's Local provider settings, as GPUCOMPUTE_LOCAL_* environment variables set them. */
class LocalProviderSettingsTest {

  @Test
  void localIsOffAndRunsAsTheOperatorsUserUnlessSet() {
    LocalSettings local = OperatorSettings.fromEnvironment(Map.of()).local();

    assertThat(local.enabled()).isFalse();
    assertThat(local.runAs()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"true, true", "TRUE, true", "false, false", "' ', false"})
  void localIsEnabledByItsVariable(String value, boolean enabled) {
    assertThat(OperatorSettings.fromEnvironment(Map.of("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED", value)).local().enabled())
        .isEqualTo(enabled);
  }

  @Test
  void aValueThatIsNeitherTrueNorFalseStopsTheOperatorNamingTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED", "yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED");
  }

  @Test
  void workloadUsersComeFromTheRunAsVariables() {
    LocalSettings local = OperatorSettings.fromEnvironment(Map.of("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED", "true",
        "GPUCOMPUTE_LOCAL_RUN_AS_USER", "70000-70063", "GPUCOMPUTE_LOCAL_RUN_AS_GROUP", "70000")).local();

    assertThat(local.runAs()).isEqualTo(Optional.of(new LocalSettings.RunAs(70000, 70063, 70000)));
  }
}
