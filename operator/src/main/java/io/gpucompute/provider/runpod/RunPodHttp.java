package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.ProviderException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * HTTP to RunPod with the account's API key as {@code Authorization: Bearer <key>}. The key lives only in this
 * object's request headers: it is never logged, never put in a URL and never in an exception message.
 */
final class RunPodHttp {

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  /** A status code and the body as text. */
  record Reply(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final OkHttpClient client;
  private final String authorization;

  RunPodHttp(OkHttpClient client, String apiKey) {
    this.client = Objects.requireNonNull(client, "client");
    this.authorization = "Bearer " + Objects.requireNonNull(apiKey, "apiKey").strip();
  }

  OkHttpClient client() {
    return client;
  }

  /** A request to {@code url} that carries the API key. */
  Request.Builder request(String url) {
    return new Request.Builder().url(url).header("Authorization", authorization).header("Accept", "application/json");
  }

  /** POSTs {@code body} as JSON. */
  Reply post(String url, JsonNode body, String what) throws ProviderException {
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a RunPod request as JSON", e);
    }
    return exchange(request(url).post(RequestBody.create(text, JSON)).build(), what);
  }

  /** GETs {@code url}. */
  Reply get(String url, String what) throws ProviderException {
    return exchange(request(url).get().build(), what);
  }

  /** Sends {@code request} and reads the whole answer; a failure to get one is {@link ProviderException.Transient}. */
  Reply exchange(Request request, String what) throws ProviderException {
    try (Response response = client.newCall(request).execute()) {
      return new Reply(response.code(), response.body().string());
    } catch (IOException e) {
      throw unreachable(request, what, e);
    }
  }

  /** The JSON of a 2xx answer; any other status or a body that is not JSON is an exception. */
  static JsonNode json(Reply reply, String what) throws ProviderException {
    if (!reply.ok()) {
      throw RunPodErrors.forStatus(reply.status(), reply.body(), what);
    }
    return parse(reply, what);
  }

  /** The body parsed as JSON, whatever the status. */
  static JsonNode parse(Reply reply, String what) throws ProviderException.Transient {
    try {
      JsonNode json = Json.MAPPER.readTree(reply.body());
      if (json == null || json.isMissingNode() || !json.isContainerNode()) {
        throw new IOException("not a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new ProviderException.Transient("RunPodBadResponse", "RunPod answered " + what + " with HTTP "
          + reply.status() + " and a body that is not the expected JSON: " + RunPodErrors.truncate(
              reply.body() == null ? "" : reply.body().strip()), e);
    }
  }

  static ProviderException.Transient unreachable(Request request, String what, IOException e) {
    String where = request.url().scheme() + "://" + request.url().host() + ":" + request.url().port();
    if (e instanceof InterruptedIOException) {
      return new ProviderException.Transient("RunPodTimeout", "RunPod at " + where + " did not answer in time when "
          + what + ": " + e.getMessage(), e);
    }
    return new ProviderException.Transient("RunPodUnreachable", "cannot reach RunPod at " + where + " when " + what
        + ": " + e, e);
  }
}
