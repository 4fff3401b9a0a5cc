package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stub's own signature check against the published test vector. */
class EcsSignatureTest {

  @Test
  void matchesThePublishedTestVector() {
    Map<String, String> parameters = Map.of("AccessKeyId", "testid", "Action", "DescribeRegions", "Format", "XML",
        "SignatureMethod", "HMAC-SHA1", "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion", "1.0", "Timestamp", "2016-02-23T12:46:24Z", "Version", "2014-05-26");

    assertThat(EcsSignature.sign("GET", parameters, "testsecret")).isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  }

  @Test
  void encodesLikeRfc3986() {
    assertThat(EcsSignature.percentEncode("a b*c~d/e+f")).isEqualTo("a%20b%2Ac~d%2Fe%2Bf");
  }
}
