package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientTokensTest {

  private static final String NAME = "gpujob-3f1c9a7e-52d1-4c55-9d1e-0a6b2f1c7e11-12";

  @Test
  void aTokenIsAtMost64AsciiCharactersAndTheSameForTheSameRequest() {
    String token = ClientTokens.of(NAME, "ecs.gn7i-c8g1.2xlarge", 0);

    assertThat(token).hasSizeLessThanOrEqualTo(64).matches("[\\x21-\\x7e]+");
    assertThat(ClientTokens.of(NAME, "ecs.gn7i-c8g1.2xlarge", 0)).isEqualTo(token);
  }

  @Test
  void anotherInstanceTypeAnotherAttemptOrAStockOutGivesAnotherToken() {
    String token = ClientTokens.of(NAME, "ecs.gn7i-c8g1.2xlarge", 0);

    assertThat(ClientTokens.of(NAME, "ecs.gn7i-c16g1.4xlarge", 0)).isNotEqualTo(token);
    assertThat(ClientTokens.of(NAME.replace("-12", "-13"), "ecs.gn7i-c8g1.2xlarge", 0)).isNotEqualTo(token);
    assertThat(ClientTokens.of(NAME, "ecs.gn7i-c8g1.2xlarge", 1)).isNotEqualTo(token);
  }
}
