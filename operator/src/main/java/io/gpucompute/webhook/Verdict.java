package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** The webhook's answer to one request. */
public sealed interface Verdict {

  /** Allowed as it is. */
  Verdict ALLOW = new Allow(null);

  /**
   * Allowed, with a JSON patch to apply first (mutating only).
   *
   * @param patch RFC 6902 operations, or null for none
   */
  record Allow(ArrayNode patch) implements Verdict {}

  /**
   * Refused.
   *
   * @param code the HTTP status the API server answers with (403, or 422 for an invalid object)
   * @param message why, for the person whose request it was
   */
  record Deny(int code, String message) implements Verdict {}
}
