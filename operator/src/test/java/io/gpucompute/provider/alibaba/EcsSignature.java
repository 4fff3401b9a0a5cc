package io.gpucompute.provider.alibaba;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Alibaba's RPC signature V1 (HMAC-SHA1), computed independently of the SDK, for {@link EcsStub} to check every
 * request: sorted, RFC 3986-encoded parameters (all but Signature), {@code METHOD&%2F&pe(query)}, keyed with the
 * secret plus "&".
 */
final class EcsSignature {

  private EcsSignature() {}

  static String sign(String method, Map<String, String> parameters, String accessKeySecret) {
    Map<String, String> sorted = new TreeMap<>(parameters);
    sorted.remove("Signature");
    String canonical = sorted.entrySet().stream()
        .map(e -> percentEncode(e.getKey()) + "=" + percentEncode(e.getValue()))
        .collect(Collectors.joining("&"));
    String stringToSign = method + "&" + percentEncode("/") + "&" + percentEncode(canonical);
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec((accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String percentEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
        .replace("%7E", "~");
  }
}
