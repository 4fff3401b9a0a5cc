package io.gpucompute.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves {@code /healthz} (liveness) and {@code /readyz} (readiness) for the kubelet's probes, and
 * {@code /metrics} (Prometheus text, docs/metrics.md) on the same port.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService threads;

  private HealthServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts serving on {@code port} of every interface. */
  public static HealthServer start(int port, BooleanSupplier live, BooleanSupplier ready) throws IOException {
    return start(new InetSocketAddress(port), live, ready, () -> "");
  }

  /**
   * Starts serving on {@code address} (port 0 picks a free one, see {@link #port()}).
   *
   * @param metrics the Prometheus text exposition, computed per scrape
   */
  public static HealthServer start(InetSocketAddress address, BooleanSupplier live, BooleanSupplier ready,
      Supplier<String> metrics) throws IOException {
    HttpServerTimeouts.apply();
    HttpServer server = HttpServer.create(address, 0);
    // Two threads: a slow scrape of /metrics does not hold up a probe.
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread thread = new Thread(r, "health");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    server.createContext("/healthz", exchange -> answer(exchange, live.getAsBoolean()));
    server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean()));
    server.createContext("/metrics", exchange -> {
      byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return new HealthServer(server, threads);
  }

  /** The port served on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, boolean ok) throws IOException {
    byte[] body = (ok ? "ok\n" : "not ok\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
