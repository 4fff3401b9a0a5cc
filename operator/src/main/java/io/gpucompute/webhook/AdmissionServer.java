package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.gpucompute.operator.HttpServerTimeouts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admission webhook over HTTPS: {@code POST /mutate} ({@link SubmitterStamp}) and {@code POST /validate}
 * ({@link UpdateRules}), AdmissionReview {@code admission.k8s.io/v1} in and out. It answers on every replica, leader
 * or not: it reads nothing but the request.
 */
public final class AdmissionServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The largest AdmissionReview read (the API server caps objects at about 1.5 MiB; a review holds two). */
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final HttpsServer server;
  private final ExecutorService threads;

  private AdmissionServer(HttpsServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts serving with {@code settings}; fails when the port is taken or the certificate cannot be read. */
  public static AdmissionServer start(WebhookSettings settings) throws IOException {
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {new ServingCertificate(settings.certDir())}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for the webhook", e);
    }
    HttpServerTimeouts.apply();
    HttpsServer server = HttpsServer.create(new InetSocketAddress(settings.bindAddress().orElse(null),
        settings.port()), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
      Thread thread = new Thread(r, "webhook");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    server.createContext("/mutate", exchange -> answer(exchange,
        review -> AdmissionReviews.mutate(review, settings.operatorUsername())));
    server.createContext("/validate", exchange -> answer(exchange, AdmissionReviews::validate));
    server.start();
    LOG.info("webhook: serving /mutate and /validate over HTTPS on port {}", server.getAddress().getPort());
    return new AdmissionServer(server, threads);
  }

  /** The port served on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, Function<JsonNode, JsonNode> rule) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        exchange.sendResponseHeaders(413, -1);
        return;
      }
      byte[] response;
      try {
        response = JSON.writeValueAsBytes(rule.apply(JSON.readTree(body)));
      } catch (IOException | RuntimeException e) {
        LOG.warn("webhook: cannot answer a request to {}: {}", exchange.getRequestURI().getPath(), e.toString());
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, response.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
