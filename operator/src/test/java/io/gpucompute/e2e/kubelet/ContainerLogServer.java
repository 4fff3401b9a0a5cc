package io.gpucompute.e2e.kubelet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The kubelet's log endpoint, on {@code https://127.0.0.1:<free port>}: {@code GET /containerLogs/<namespace>/<pod>/
 * <container>} answers the container's output so far ({@link ContainerLogQuery}), which the API server streams back
 * to a {@code pods/log} request. Anything else is a 404, as is a container it does not know.
 */
final class ContainerLogServer implements AutoCloseable {

  /** Finds the log file of a container. */
  @FunctionalInterface
  interface LogFiles {
    Optional<Path> of(String namespace, String pod, String container);
  }

  private static final String PREFIX = "/containerLogs/";

  private final HttpsServer server;
  private final ExecutorService threads;
  private final LogFiles logFiles;

  private ContainerLogServer(HttpsServer server, ExecutorService threads, LogFiles logFiles) {
    this.server = server;
    this.threads = threads;
    this.logFiles = logFiles;
  }

  /** Starts serving the files {@code logFiles} finds. */
  static ContainerLogServer start(LogFiles logFiles) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(LoopbackTls.serverContext()));
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread thread = new Thread(r, "loopback-kubelet-logs");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    ContainerLogServer logs = new ContainerLogServer(server, threads, logFiles);
    server.createContext("/", logs::handle);
    server.start();
    return logs;
  }

  /** The port it listens on, at 127.0.0.1. */
  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String[] parts = path.startsWith(PREFIX) ? path.substring(PREFIX.length()).split("/") : new String[0];
      if (!"GET".equals(exchange.getRequestMethod()) || parts.length != 3) {
        respond(exchange, 404, "not found: " + exchange.getRequestMethod() + " " + path);
        return;
      }
      Optional<Path> file = logFiles.of(parts[0], parts[1], parts[2]);
      if (file.isEmpty()) {
        respond(exchange, 404, "container " + parts[2] + " of pod " + parts[0] + "/" + parts[1] + " is not known here");
        return;
      }
      byte[] log;
      try {
        log = Files.readAllBytes(file.get());
      } catch (NoSuchFileException e) {
        log = new byte[0];
      }
      ContainerLogQuery query;
      try {
        query = ContainerLogQuery.parse(exchange.getRequestURI().getRawQuery());
      } catch (NumberFormatException e) {
        respond(exchange, 400, "bad query: " + e.getMessage());
        return;
      }
      byte[] body = query.apply(log);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static void respond(HttpExchange exchange, int code, String message) throws IOException {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(code, body.length);
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
