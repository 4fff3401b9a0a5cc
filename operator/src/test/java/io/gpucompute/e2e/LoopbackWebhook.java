package io.gpucompute.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A validating admission webhook of a test, served here over TLS on a loopback port and registered on the real API
 * server for chosen rules in one namespace: it makes the API server refuse the writes that {@code deny} names (with
 * 503, as a flaky API server or etcd would fail them), from outside the operator. Every other write passes. A write
 * the API server could not ask it about fails too (failurePolicy Fail), so no write it would refuse slips through.
 */
public final class LoopbackWebhook implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final char[] PASSWORD = "loopback-webhook".toCharArray();

  private final KubernetesClient client;
  private final HttpsServer server;
  private final ExecutorService threads;
  private final String name;
  private final Function<JsonNode, Optional<String>> deny;
  private final AtomicInteger denied = new AtomicInteger();

  private LoopbackWebhook(KubernetesClient client, HttpsServer server, ExecutorService threads, String name,
      Function<JsonNode, Optional<String>> deny) {
    this.client = client;
    this.server = server;
    this.threads = threads;
    this.name = name;
    this.deny = deny;
  }

  /**
   * Serves the webhook and registers it as {@code name} for {@code rules} in {@code namespace}.
   *
   * @param deny given an AdmissionReview's request, the message of a refusal, or empty to let it pass
   */
  public static LoopbackWebhook start(KubernetesClient client, String name, String namespace, Path workDir,
      List<RuleWithOperations> rules, Function<JsonNode, Optional<String>> deny) {
    Path ca = CertificateFiles.selfSignedFor127(workDir, name);
    try {
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(serverContext(workDir, name)));
      // Threads of their own: on the server's one thread, a connection the API server left half-open held every
      // later review until it timed out, and with the writes let through, a test saw no refusal of a write made.
      ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
      });
      server.setExecutor(threads);
      LoopbackWebhook webhook = new LoopbackWebhook(client, server, threads, name, deny);
      server.createContext("/validate", webhook::review);
      server.start();
      client.resource(new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
          .addNewWebhook().withName(name + ".e2e.gpucompute.io")
            .withAdmissionReviewVersions("v1").withSideEffects("None").withFailurePolicy("Fail")
            .withTimeoutSeconds(5)
            .withNewClientConfig().withUrl("https://127.0.0.1:" + server.getAddress().getPort() + "/validate")
              .withCaBundle(Base64.getEncoder().encodeToString(Files.readAllBytes(ca))).endClientConfig()
            .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace)
            .endNamespaceSelector()
            .withRules(rules)
          .endWebhook().build()).create();
      return webhook;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the webhook " + name, e);
    }
  }

  /** A rule for {@code operations} on {@code resources} (such as {@code gpujobs/status}) of gpucompute.io. */
  public static RuleWithOperations rule(List<String> resources, String... operations) {
    RuleWithOperations rule = new RuleWithOperations();
    rule.setApiGroups(List.of("gpucompute.io"));
    rule.setApiVersions(List.of("v1alpha1"));
    rule.setOperations(List.of(operations));
    rule.setResources(resources);
    rule.setScope("Namespaced");
    return rule;
  }

  /** How many writes were refused so far. */
  public int denied() {
    return denied.get();
  }

  private void review(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      JsonNode request = JSON.readTree(in).path("request");
      Optional<String> refusal = deny.apply(request);
      ObjectNode response = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1")
          .put("kind", "AdmissionReview");
      ObjectNode answer = response.putObject("response").put("uid", request.path("uid").asText())
          .put("allowed", refusal.isEmpty());
      if (refusal.isPresent()) {
        denied.incrementAndGet();
        answer.putObject("status").put("code", 503).put("message", refusal.get());
      }
      byte[] body = JSON.writeValueAsBytes(response);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A server context from the PEM certificate and key in {@code dir}, through a PKCS12 file made by openssl. */
  static SSLContext serverContext(Path dir, String name) {
    Path p12 = dir.resolve(name + ".p12");
    try {
      Process process = new ProcessBuilder("openssl", "pkcs12", "-export", "-in", dir.resolve(name + ".crt").toString(),
          "-inkey", dir.resolve(name + ".key").toString(), "-out", p12.toString(), "-passout",
          "pass:" + new String(PASSWORD)).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl pkcs12 failed: " + output);
      }
      return CertificateFiles.serverContext(p12, PASSWORD);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not load the webhook's certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Unregisters the webhook and stops serving it. */
  @Override
  public void close() {
    try {
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
