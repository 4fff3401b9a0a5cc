package io.gpucompute.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
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
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Makes the API server refuse chosen writes of GpuJob status, from outside the operator: a validating admission
 * webhook, served here over TLS on a loopback port, registered for {@code gpujobs/status} in one namespace. While
 * {@link #block blocking}, it denies every status update that would make a job Succeeded or Failed, as a flaky API
 * server or etcd would fail them; every other write passes.
 */
public final class StatusWriteBlocker implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final char[] PASSWORD = "status-write-blocker".toCharArray();

  private final KubernetesClient client;
  private final HttpsServer server;
  private final String name;
  private final AtomicInteger denied = new AtomicInteger();
  private volatile boolean blocking;

  private StatusWriteBlocker(KubernetesClient client, HttpsServer server, String name) {
    this.client = client;
    this.server = server;
    this.name = name;
  }

  /** Serves the webhook and registers it for GpuJobs in {@code namespace}; nothing is blocked yet. */
  public static StatusWriteBlocker start(KubernetesClient client, String namespace, Path workDir) {
    Path ca = CertificateFiles.selfSignedFor127(workDir, "status-blocker");
    try {
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(serverContext(workDir, "status-blocker")));
      String name = "gpucompute-e2e-status-blocker-" + namespace;
      StatusWriteBlocker blocker = new StatusWriteBlocker(client, server, name);
      server.createContext("/validate", blocker::review);
      server.start();
      client.resource(webhook(name, namespace, server.getAddress().getPort(), Files.readAllBytes(ca))).create();
      return blocker;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the status write blocker", e);
    }
  }

  /** Starts or stops refusing the status writes that finish a job. */
  public void block(boolean block) {
    blocking = block;
  }

  /** How many writes were refused so far. */
  public int denied() {
    return denied.get();
  }

  private static ValidatingWebhookConfiguration webhook(String name, String namespace, int port, byte[] caPem) {
    return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
        .addNewWebhook().withName("status-blocker.e2e.gpucompute.io")
          .withAdmissionReviewVersions("v1").withSideEffects("None").withFailurePolicy("Ignore")
          .withTimeoutSeconds(5)
          .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/validate")
            .withCaBundle(Base64.getEncoder().encodeToString(caPem)).endClientConfig()
          .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace)
          .endNamespaceSelector()
          .addNewRule().withApiGroups("gpucompute.io").withApiVersions("v1alpha1").withOperations("UPDATE")
            .withResources("gpujobs/status").withScope("Namespaced").endRule()
        .endWebhook().build();
  }

  private void review(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      JsonNode request = JSON.readTree(in).path("request");
      String phase = request.path("object").path("status").path("phase").asText("");
      boolean finishes = phase.equals("Succeeded") || phase.equals("Failed");
      boolean allowed = !(blocking && finishes);
      ObjectNode response = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1")
          .put("kind", "AdmissionReview");
      ObjectNode answer = response.putObject("response").put("uid", request.path("uid").asText())
          .put("allowed", allowed);
      if (!allowed) {
        denied.incrementAndGet();
        answer.putObject("status").put("code", 503).put("message", "the e2e test fails this status write");
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
  private static SSLContext serverContext(Path dir, String name) {
    Path p12 = dir.resolve(name + ".p12");
    try {
      Process process = new ProcessBuilder("openssl", "pkcs12", "-export", "-in", dir.resolve(name + ".crt").toString(),
          "-inkey", dir.resolve(name + ".key").toString(), "-out", p12.toString(), "-passout",
          "pass:" + new String(PASSWORD)).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl pkcs12 failed: " + output);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(p12)) {
        keyStore.load(in, PASSWORD);
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not load the blocker's certificate", e);
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
    }
  }
}
