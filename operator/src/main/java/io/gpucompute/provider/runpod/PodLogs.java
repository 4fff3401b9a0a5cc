package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.ProviderException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the newest lines of a pod's container log from RunPod's REST API, {@code GET /v2/pods/{id}/logs}, a
 * Server-Sent Events stream whose events carry {@code {"source","line","ts"}}. The stream sends the backlog
 * ({@code tail} lines) and then follows the pod without end, so a read stops at the first of: {@code logLines} events,
 * {@code logIdle} without an event (the backlog is over), {@code logDeadline}, or the end of the stream.
 *
 * <p>Logs are best effort: an answer other than 2xx or 401 makes them unavailable for this read, with the reason,
 * rather than failing the observation.
 */
final class PodLogs {

  private static final Logger log = LoggerFactory.getLogger(PodLogs.class);

  /** One log line and its timestamp, when RunPod gave one. */
  record Line(Instant ts, String text) {}

  /** The result of one read: the lines, or why there are none. */
  record Read(List<Line> lines, String unavailable) {
    static Read of(List<Line> lines) {
      return new Read(List.copyOf(lines), null);
    }

    static Read unavailable(String reason) {
      return new Read(null, reason);
    }

    boolean available() {
      return lines != null;
    }
  }

  private final RunPodHttp http;
  private final RunPodEndpoints endpoints;
  private final RunPodSettings settings;

  PodLogs(RunPodHttp http, RunPodEndpoints endpoints, RunPodSettings settings) {
    this.http = http;
    this.endpoints = endpoints;
    this.settings = settings;
  }

  /**
   * The newest container log lines of pod {@code podId}.
   *
   * @throws ProviderException.InvalidCredentials when RunPod refuses the key (HTTP 401)
   */
  Read read(String podId) throws ProviderException {
    HttpUrl url = HttpUrl.get(endpoints.podLogs(podId)).newBuilder()
        .addQueryParameter("source", "container")
        .addQueryParameter("tail", Integer.toString(settings.logLines()))
        .build();
    Request request = http.request(url.toString()).header("Accept", "text/event-stream").get().build();
    Call call = http.client().newCall(request);
    call.timeout().timeout(settings.logDeadline().toMillis(), TimeUnit.MILLISECONDS);
    String what = "reading the log of pod " + podId;
    try (Response response = call.execute()) {
      if (response.code() == 401) {
        throw RunPodErrors.forStatus(401, response.body().string(), what);
      }
      if (!response.isSuccessful()) {
        String reason = "the pod log API answered HTTP " + response.code() + " ("
            + RunPodErrors.quote(response.body().string()) + ")";
        log.debug("pod {}: logs unavailable: {}", podId, reason);
        return Read.unavailable(reason);
      }
      BufferedSource source = response.body().source();
      source.timeout().timeout(settings.logIdle().toMillis(), TimeUnit.MILLISECONDS);
      return Read.of(events(source));
    } catch (InterruptedIOException e) {
      return Read.unavailable("the pod log API did not answer within " + settings.logDeadline().toSeconds() + "s");
    } catch (IOException e) {
      return Read.unavailable("cannot read the pod log: " + e.getMessage());
    }
  }

  /** The events of the stream until one of the stop conditions; a timeout ends the read, keeping what came. */
  private List<Line> events(BufferedSource source) throws IOException {
    List<Line> lines = new ArrayList<>();
    StringBuilder data = new StringBuilder();
    long idleNanos = settings.logIdle().toNanos();
    long lastEvent = System.nanoTime();
    while (lines.size() < settings.logLines()) {
      String line;
      try {
        line = source.readUtf8Line();
      } catch (InterruptedIOException e) {
        break; // silent for logIdle (the backlog is over), or the deadline passed
      }
      if (line == null) {
        break;
      }
      if (line.isEmpty()) {
        if (data.length() > 0) {
          Line event = parse(data.toString());
          if (event != null) {
            lines.add(event);
          }
          data.setLength(0);
          lastEvent = System.nanoTime();
        }
      } else if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
      }
      // "id:", "event:", "retry:" and ":" heartbeats carry nothing the adapter needs.
      if (System.nanoTime() - lastEvent > idleNanos) {
        break; // only heartbeats for logIdle
      }
    }
    return lines;
  }

  /** One event's data: {@code {"source","line","ts"}}; a non-JSON payload is taken as the line itself. */
  static Line parse(String data) {
    try {
      JsonNode event = Json.MAPPER.readTree(data);
      if (event != null && event.isObject()) {
        String source = event.path("source").asText("container");
        if (!"container".equals(source)) {
          return null;
        }
        return new Line(instant(event.path("ts").asText(null)), event.path("line").asText(""));
      }
    } catch (IOException | RuntimeException e) {
      // not JSON
    }
    return new Line(null, data);
  }

  private static Instant instant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
