package io.gpucompute.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The operator's health port on 127.0.0.1: {@code /healthz}, {@code /readyz}, {@code /metrics}. */
record HealthEndpoints(int port) {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The HTTP status of {@code GET path}, or -1 when nothing answers. */
  int status(String path) {
    return get(path).map(HttpResponse::statusCode).orElse(-1);
  }

  /** The body of {@code GET path}, if something answers. */
  Optional<String> body(String path) {
    return get(path).map(HttpResponse::body);
  }

  private Optional<HttpResponse<String>> get(String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build();
    try {
      return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
