package io.gpucompute.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.keycloak.AdminConnection;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * A real Keycloak ({@code keycloak-quarkus-dist}, production mode with its file database and local caches) on a free
 * loopback port, over HTTPS only, with a certificate made for 127.0.0.1 by a CA generated for this run. The bootstrap
 * admin's password is random. {@link #close()} stops the process.
 */
final class KeycloakServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String url;
  private final Path caFile;
  private final String adminPassword;
  private final Path log;
  private final HttpClient http;

  private KeycloakServer(Process process, String url, Path caFile, String adminPassword, Path log) {
    this.process = process;
    this.url = url;
    this.caFile = caFile;
    this.adminPassword = adminPassword;
    this.log = log;
    this.http = HttpClient.newBuilder().sslContext(AdminConnection.sslContextTrusting(caFile))
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Starts Keycloak from an unpacked distribution and waits until the master realm answers.
   *
   * @param home the unpacked {@code keycloak-<version>} directory
   * @param workDir where the certificate and the log go
   */
  static KeycloakServer start(Path home, Path workDir) {
    if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
      throw new IllegalStateException("no Keycloak distribution at " + home
          + " (the operator module's build unpacks keycloak-quarkus-dist there before the integration tests)");
    }
    Path javaHome = KeycloakJavaHome.find();
    try {
      // A fresh database each run: the bootstrap admin (with this run's password) is made only in an empty one.
      deleteRecursively(home.resolve("data"));
      Files.createDirectories(workDir);
      Path ca = CertificateFiles.selfSignedFor127(workDir, "keycloak");
      int port = freeLoopbackPort();
      String url = "https://127.0.0.1:" + port;
      String adminPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
      Path log = workDir.resolve("keycloak.log");
      ProcessBuilder builder = new ProcessBuilder(List.of(home.resolve("bin/kc.sh").toString(), "start",
          "--db=dev-file", "--cache=local", "--http-enabled=false", "--http-host=127.0.0.1",
          "--https-port=" + port, "--hostname=" + url,
          "--https-certificate-file=" + workDir.resolve("keycloak.crt"),
          "--https-certificate-key-file=" + workDir.resolve("keycloak.key")))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("JAVA_HOME", javaHome.toString());
      env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
      env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
      TestProcessTag.tag(env, "keycloak " + url);
      long started = System.nanoTime();
      System.out.printf("e2e: starting Keycloak on %s with %s (log: %s)%n", url, javaHome, log);
      KeycloakServer server = new KeycloakServer(builder.start(), url, ca, adminPassword, log);
      try {
        server.awaitReady();
      } catch (RuntimeException e) {
        server.close();
        throw new IllegalStateException("Keycloak did not start: " + e.getMessage() + "\n" + server.logTail(40), e);
      }
      System.out.printf("e2e: Keycloak ready in %.1fs%n", (System.nanoTime() - started) / 1e9);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Keycloak", e);
    }
  }

  private void awaitReady() {
    Awaitility.await("Keycloak's master realm answers on " + url).atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("Keycloak exited with code " + process.exitValue());
          }
          try {
            return get("/realms/master/.well-known/openid-configuration").statusCode() == 200;
          } catch (UncheckedIOException notListeningYet) {
            return false;
          }
        });
  }

  /** Keycloak's base URL. */
  String url() {
    return url;
  }

  /** The PEM file of the CA that signed Keycloak's certificate (kube-apiserver {@code --oidc-ca-file}). */
  Path caFile() {
    return caFile;
  }

  /** The bootstrap admin's password, for the set-up command (written to a file, never logged). */
  String adminPassword() {
    return adminPassword;
  }

  /**
   * An ID token from the token endpoint: the resource-owner password grant of a public client, with scope
   * {@code openid}, as a script would sign in.
   *
   * @throws IllegalStateException with Keycloak's answer when it issues none
   */
  String idToken(String realm, String clientId, String username, String password) {
    return token(realm, clientId, username, password, "id_token");
  }

  /** An access token, as {@link #idToken}: what Keycloak's own account API takes. */
  String accessToken(String realm, String clientId, String username, String password) {
    return token(realm, clientId, username, password, "access_token");
  }

  private String token(String realm, String clientId, String username, String password, String field) {
    String form = Map.of("grant_type", "password", "client_id", clientId, "username", username, "password",
        password, "scope", "openid").entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + "/realms/" + realm
        + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    String token = response.statusCode() == 200 ? json(response.body()).path(field).asText("") : "";
    if (token.isEmpty()) {
      throw new IllegalStateException("Keycloak issued no " + field + " for " + username + ": HTTP "
          + response.statusCode() + " " + response.body());
    }
    return token;
  }

  /**
   * Changes the signed-in user's own account as Keycloak's account console does: its account REST API, with the
   * user's access token; {@code change} edits the account as read.
   *
   * @throws IllegalStateException with Keycloak's answer when it refuses
   */
  void updateOwnAccount(String realm, String accessToken, Consumer<ObjectNode> change) {
    URI account = URI.create(url + "/realms/" + realm + "/account");
    HttpResponse<String> read = send(HttpRequest.newBuilder(account).header("Authorization", "Bearer " + accessToken)
        .header("Accept", "application/json").GET().build());
    if (read.statusCode() != 200) {
      throw new IllegalStateException("Keycloak's account API: HTTP " + read.statusCode() + " " + read.body());
    }
    ObjectNode body = (ObjectNode) json(read.body());
    change.accept(body);
    HttpResponse<String> written = send(HttpRequest.newBuilder(account).header("Authorization", "Bearer "
        + accessToken).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            body.toString())).build());
    if (written.statusCode() / 100 != 2) {
      throw new IllegalStateException("Keycloak's account API refused the change: HTTP " + written.statusCode() + " "
          + written.body());
    }
  }

  /** A JSON document read as a tree. */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }

  private HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last lines of Keycloak's log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  /** Stops Keycloak and whatever it started; waits until it is gone. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var entries = Files.walk(dir)) {
      for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(entry);
      }
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
