package io.gpucompute.provider.alibaba;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** ClientTokens of RunInstances: deterministic, at most 64 ASCII characters, as ECS requires. Pure. */
final class ClientTokens {

  private ClientTokens() {}

  /**
   * The token of creating {@code workloadName} as {@code instanceType} after {@code stockOuts} refusals for stock: the
   * same inputs give the same token (a retry of the same request), any other input another.
   */
  static String of(String workloadName, String instanceType, int stockOuts) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((workloadName + "/" + instanceType + "/" + stockOuts).getBytes(StandardCharsets.UTF_8));
      return "gpujob-" + HexFormat.of().formatHex(digest, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
