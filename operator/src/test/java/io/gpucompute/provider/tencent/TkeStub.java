package io.gpucompute.provider.tencent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stub of the Tencent Cloud TKE API (API 3.0, version 2018-05-25) on 127.0.0.1, in Tencent's wire format: JSON
 * POSTs to {@code /} with the action in {@code X-TC-Action}, answers always HTTP 200, errors as {@code Response.Error}.
 * It verifies the TC3-HMAC-SHA256 signature of every request against the one key pair it knows, and refuses a wrong
 * one as Tencent does ({@code AuthFailure.SecretIdNotFound}, {@code AuthFailure.SignatureFailure}). It serves one
 * cluster, whose {@code DescribeClusterKubeconfig} returns a kubeconfig pointing at {@code apiServerUrl} with a fresh
 * bearer token each time ({@code tke-token-1}, {@code tke-token-2}, ...), or the kubeconfig a test supplies (one that
 * a real API server accepts).
 */
final class TkeStub implements AutoCloseable {

  static final String SECRET_ID = "AKIDstub0000000000000000000000000000";
  static final String SECRET_KEY = "stub-secret-key-7c1e9a";
  static final String CLUSTER_ID = "cls-stub0001";
  static final String REGION = "ap-guangzhou";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "^TC3-HMAC-SHA256 Credential=([^/]+)/(\\d{4}-\\d{2}-\\d{2})/([^/]+)/tc3_request, "
          + "SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$");

  private final HttpServer server;
  private final IntFunction<String> kubeconfig;
  private final String secretKey;
  private final AtomicInteger kubeconfigs = new AtomicInteger();
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private volatile String clusterStatus = "Running";
  private volatile String forcedError;

  /** Hands out kubeconfigs for {@code apiServerUrl} with the bearer tokens {@code tke-token-<n>}. */
  TkeStub(String apiServerUrl) throws IOException {
    this(n -> tokenKubeconfig(apiServerUrl, n));
  }

  /** Hands out {@code kubeconfig.apply(n)} for the n-th DescribeClusterKubeconfig (from 1). */
  TkeStub(IntFunction<String> kubeconfig) throws IOException {
    this(kubeconfig, SECRET_KEY);
  }

  /** Like {@link #TkeStub(IntFunction)}, for requests signed with {@link #SECRET_ID} and {@code secretKey}. */
  TkeStub(IntFunction<String> kubeconfig, String secretKey) throws IOException {
    this.kubeconfig = kubeconfig;
    this.secretKey = secretKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The endpoint, as spec.endpoint takes it. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static String tokenKubeconfig(String apiServerUrl, int n) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: %s
          name: %s
        contexts:
        - context:
            cluster: %s
            user: admin
          name: %s-context-default
        current-context: %s-context-default
        users:
        - name: admin
          user:
            token: tke-token-%d
        """.formatted(apiServerUrl, CLUSTER_ID, CLUSTER_ID, CLUSTER_ID, CLUSTER_ID, n);
  }

  /** How many kubeconfigs the stub handed out. */
  int kubeconfigsIssued() {
    return kubeconfigs.get();
  }

  /** The actions called, in order, whether or not they were accepted. */
  List<String> actions() {
    return List.copyOf(actions);
  }

  /** What the stub found wrong in requests that carried the right key pair (a signature it could not verify, ...). */
  List<String> violations() {
    return List.copyOf(violations);
  }

  void clusterStatus(String status) {
    this.clusterStatus = status;
  }

  /** Answers every action with this error code from now on (null: serve normally). */
  void forceError(String code) {
    this.forcedError = code;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String action = exchange.getRequestHeaders().getFirst("X-TC-Action");
    actions.add(String.valueOf(action));
    ObjectNode response;
    try {
      String refused = verify(exchange, body);
      if (refused != null) {
        response = error(refused.substring(0, refused.indexOf(' ')), refused.substring(refused.indexOf(' ') + 1));
      } else if (forcedError != null) {
        response = error(forcedError, "forced by the test");
      } else if (!"2018-05-25".equals(exchange.getRequestHeaders().getFirst("X-TC-Version"))) {
        violations.add("X-TC-Version " + exchange.getRequestHeaders().getFirst("X-TC-Version"));
        response = error("InvalidParameter", "unsupported version");
      } else {
        response = answer(action, JSON.readTree(body));
      }
    } catch (GeneralSecurityException e) {
      response = error("InternalError", e.toString());
    }
    byte[] out = JSON.writeValueAsBytes(JSON.createObjectNode().set("Response", response));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, out.length);
    try (OutputStream stream = exchange.getResponseBody()) {
      stream.write(out);
    }
  }

  private ObjectNode answer(String action, JsonNode request) {
    ObjectNode response = JSON.createObjectNode();
    switch (String.valueOf(action)) {
      case "DescribeClusters" -> {
        boolean ours = false;
        for (JsonNode id : request.path("ClusterIds")) {
          ours |= CLUSTER_ID.equals(id.asText());
        }
        var clusters = response.putArray("Clusters");
        if (ours) {
          clusters.addObject().put("ClusterId", CLUSTER_ID).put("ClusterName", "gpu").put("ClusterStatus", clusterStatus)
              .put("ClusterVersion", "1.28.3").put("ClusterType", "MANAGED_CLUSTER").put("ClusterNodeNum", 1);
        }
        response.put("TotalCount", ours ? 1 : 0);
      }
      case "DescribeClusterKubeconfig" -> {
        if (!CLUSTER_ID.equals(request.path("ClusterId").asText())) {
          return error("ResourceNotFound.ClusterNotFound", "cluster not found");
        }
        int n = kubeconfigs.incrementAndGet();
        response.put("Kubeconfig", kubeconfig.apply(n));
      }
      default -> {
        violations.add("unexpected action " + action);
        return error("InvalidAction", "no action " + action);
      }
    }
    response.put("RequestId", UUID.randomUUID().toString());
    return response;
  }

  /** Null when the request is signed with the stub's key pair; otherwise "Code message". */
  private String verify(HttpExchange exchange, byte[] body) throws GeneralSecurityException {
    var headers = exchange.getRequestHeaders();
    String authorization = headers.getFirst("Authorization");
    Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
    if (m == null || !m.matches()) {
      violations.add("malformed Authorization header");
      return "AuthFailure.SignatureFailure the Authorization header is malformed";
    }
    if (!SECRET_ID.equals(m.group(1))) {
      return "AuthFailure.SecretIdNotFound the SecretId is not found";
    }
    long timestamp = Long.parseLong(headers.getFirst("X-TC-Timestamp"));
    String date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochSecond(timestamp));
    if (Math.abs(Instant.now().getEpochSecond() - timestamp) > 300) {
      return "AuthFailure.SignatureExpire the signature expired";
    }
    String host = headers.getFirst("Host");
    String service = host.split("\\.")[0];
    String canonical = "POST\n/\n\ncontent-type:" + headers.getFirst("Content-Type") + "\nhost:" + host
        + "\n\ncontent-type;host\n" + sha256Hex(body);
    String scope = date + "/" + service + "/tc3_request";
    String toSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n"
        + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
    byte[] kDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    byte[] kService = hmac(kDate, service);
    byte[] kSigning = hmac(kService, "tc3_request");
    String expected = HexFormat.of().formatHex(hmac(kSigning, toSign));
    if (!m.group(2).equals(date) || !m.group(3).equals(service)) {
      violations.add("credential scope " + m.group(2) + "/" + m.group(3) + " does not match " + scope);
    }
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), m.group(4).getBytes(StandardCharsets.UTF_8))) {
      return "AuthFailure.SignatureFailure the provided credentials could not be validated";
    }
    return null;
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode response = JSON.createObjectNode();
    response.putObject("Error").put("Code", code).put("Message", message);
    response.put("RequestId", UUID.randomUUID().toString());
    return response;
  }

  private static String sha256Hex(byte[] data) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static Map<String, String> credentials(String secretId, String secretKey) {
    return Map.of(TencentTkeProviderFactory.SECRET_ID, secretId, TencentTkeProviderFactory.SECRET_KEY, secretKey);
  }
}
