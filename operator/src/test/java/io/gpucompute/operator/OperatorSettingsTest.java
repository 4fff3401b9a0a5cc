package io.gpucompute.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How the operator reads GPUCOMPUTE_HEALTH_BIND_ADDRESS. */
class OperatorSettingsTest {

  static Stream<Arguments> healthBindAddresses() throws Exception {
    return Stream.of(
        Arguments.of(Map.of(), Optional.empty()),
        Arguments.of(Map.of("GPUCOMPUTE_HEALTH_BIND_ADDRESS", " "), Optional.empty()),
        Arguments.of(Map.of("GPUCOMPUTE_HEALTH_BIND_ADDRESS", "127.0.0.1"),
            Optional.of(InetAddress.getByName("127.0.0.1"))),
        Arguments.of(Map.of("GPUCOMPUTE_HEALTH_BIND_ADDRESS", "::1"), Optional.of(InetAddress.getByName("::1"))),
        Arguments.of(Map.of("GPUCOMPUTE_HEALTH_BIND_ADDRESS", "0.0.0.0"),
            Optional.of(InetAddress.getByName("0.0.0.0"))));
  }

  @ParameterizedTest
  @MethodSource("healthBindAddresses")
  void theHealthServerListensWhereGpucomputeHealthBindAddressSaysOrOnEveryInterface(Map<String, String> env,
      Optional<InetAddress> expected) {
    assertThat(OperatorSettings.fromEnvironment(env).healthBindAddress()).isEqualTo(expected);
  }

  @Test
  void anAddressThatIsNoneStopsTheOperatorAtStartNamingTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("GPUCOMPUTE_HEALTH_BIND_ADDRESS", "[::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GPUCOMPUTE_HEALTH_BIND_ADDRESS").hasMessageContaining("[::1");
  }
}
