package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.secrets.Scrubber;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps RunPod's answers onto the provider error taxonomy, in one place. Pure.
 *
 * <table>
 *   <caption>The error table</caption>
 *   <tr><th>RunPod answers</th><th>Exception</th></tr>
 *   <tr><td>HTTP 401 or 403</td><td>InvalidCredentials</td></tr>
 *   <tr><td>a capacity message ("no longer any instances available", "not enough free GPUs", ...)</td><td>NoCapacity</td></tr>
 *   <tr><td>HTTP 429, 5xx, a timeout, no connection, a body that is not the expected JSON, "Something went wrong"</td>
 *       <td>Transient (the operator retries with backoff)</td></tr>
 *   <tr><td>HTTP 400 or another 4xx, a GraphQL validation error</td><td>InvalidRequest ({@code RunPodRejected})</td></tr>
 *   <tr><td>any other GraphQL {@code errors[]} message</td><td>Transient ({@code RunPodError})</td></tr>
 * </table>
 *
 * <p>Every message names what was being done and RunPod's own message; none holds the API key or a request body.
 * RunPod's words are untrusted (a GraphQL server may echo the variables it got, env values included): they are
 * scrubbed of secret values before they are cut to {@value #MAX_QUOTE} characters, so a cut never leaves the start
 * of a secret behind.
 */
final class RunPodErrors {

  /** Longest piece of a response body quoted in a message. */
  static final int MAX_QUOTE = 300;

  private static final Pattern NO_CAPACITY = Pattern.compile(
      "no longer any instances available|not enough free gpus|no (gpu )?instances? (are |is )?(currently )?available"
          + "|no available (gpu|instance|machine)s?|insufficient (capacity|resources)|out of (stock|capacity)"
          + "|no capacity|could not find any pods? with required specifications|there are no gpus? available",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern UNAUTHENTICATED = Pattern.compile(
      "unauthori[sz]ed|unauthenticated|invalid api key|api key is invalid|not authenticated|forbidden",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern INTERNAL = Pattern.compile(
      "something went wrong|internal server error|try again later|timed? ?out|temporarily unavailable",
      Pattern.CASE_INSENSITIVE);

  private RunPodErrors() {}

  /** The exception for an HTTP status that is not 2xx. */
  static ProviderException forStatus(int status, String body, String what) {
    String said = quote(body);
    String suffix = said.isEmpty() ? "" : ": " + said;
    if (status == 401 || status == 403) {
      return new ProviderException.InvalidCredentials("RunPod refused the API key (HTTP " + status + ") when "
          + what + suffix + "; check the credentials Secret's key apiKey", null);
    }
    if (status == 429) {
      return new ProviderException.Transient("RunPodRateLimited", "RunPod rate-limited " + what + " (HTTP 429)" + suffix, null);
    }
    if (status >= 500) {
      return new ProviderException.Transient("RunPodUnavailable", "RunPod answered HTTP " + status + " when " + what
          + suffix, null);
    }
    if (NO_CAPACITY.matcher(said).find()) {
      return new ProviderException.NoCapacity("RunPod has no capacity for " + what + suffix);
    }
    return new ProviderException.InvalidRequest("RunPodRejected", "RunPod rejected " + what + " (HTTP " + status + ")"
        + suffix);
  }

  /** The exception for a GraphQL {@code errors[]} array, or null when it is absent or empty. */
  static ProviderException forGraphQlErrors(JsonNode errors, String what) {
    if (errors == null || !errors.isArray() || errors.isEmpty()) {
      return null;
    }
    List<String> messages = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (JsonNode error : errors) {
      messages.add(error.path("message").asText("(no message)"));
      String code = error.path("extensions").path("code").asText("");
      if (!code.isEmpty()) {
        codes.add(code.toUpperCase(Locale.ROOT));
      }
    }
    String message = truncate(String.join("; ", messages));
    String said = "RunPod answered " + what + " with: " + message;
    if (NO_CAPACITY.matcher(message).find()) {
      return new ProviderException.NoCapacity(said);
    }
    if (codes.contains("UNAUTHENTICATED") || codes.contains("FORBIDDEN") || UNAUTHENTICATED.matcher(message).find()) {
      return new ProviderException.InvalidCredentials(said + "; check the credentials Secret's key apiKey", null);
    }
    if (codes.contains("GRAPHQL_VALIDATION_FAILED") || codes.contains("GRAPHQL_PARSE_FAILED")
        || codes.contains("BAD_USER_INPUT")) {
      return new ProviderException.InvalidRequest("RunPodRejected", said);
    }
    if (codes.contains("INTERNAL_SERVER_ERROR") || INTERNAL.matcher(message).find()) {
      return new ProviderException.Transient("RunPodInternalError", said, null);
    }
    return new ProviderException.Transient("RunPodError", said, null);
  }

  /** What a response body says, for a message: the error fields of a JSON body, else its text, bounded. */
  static String quote(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode json = Json.MAPPER.readTree(body);
      if (json != null && json.isObject()) {
        List<String> parts = new ArrayList<>();
        for (JsonNode error : json.path("errors")) {
          if (error.hasNonNull("message")) {
            parts.add(error.get("message").asText());
          }
        }
        for (String field : List.of("error", "message", "title", "detail")) {
          if (json.hasNonNull(field) && json.get(field).isValueNode()) {
            parts.add(json.get(field).asText());
          }
        }
        if (!parts.isEmpty()) {
          return truncate(String.join("; ", parts));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not JSON: quote the text
    }
    return truncate(body.strip().replaceAll("\\s+", " "));
  }

  static String truncate(String text) {
    return Scrubber.untrusted(text, MAX_QUOTE + 3);
  }
}
