package io.gpucompute.keycloak;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** Says what went wrong in a call to Keycloak's admin API, with the error that Keycloak's answer carries. */
final class KeycloakErrors {

  private static final int MAX_BODY = 500;

  private KeycloakErrors() {}

  /** The exception and, for an HTTP error, the request's answer (Keycloak's JSON error, which names no secret). */
  static String describe(RuntimeException e) {
    if (e instanceof WebApplicationException web && web.getResponse() != null) {
      Response response = web.getResponse();
      String body;
      try {
        body = response.hasEntity() ? response.readEntity(String.class) : "";
      } catch (RuntimeException unreadable) {
        body = "";
      }
      return "HTTP " + response.getStatus() + (body.isBlank() ? "" : ": "
          + (body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "..." : body));
    }
    return e.toString();
  }
}
