package io.gpucompute.provider;

import io.gpucompute.secrets.Scrubber;

/**
 * The one error taxonomy of provider calls. Adapters map every failure onto one of these; the operator maps
 * these, in one place, onto conditions: {@link InvalidRequest} stalls the job, {@link NoCapacity} queues it,
 * {@link InvalidCredentials} marks the ProviderConfig not ready, {@link Transient} retries with backoff.
 * A message often quotes the provider's own words, which are untrusted text: it is scrubbed of secret values and
 * cut to {@value Scrubber#MAX_UNTRUSTED} characters here, before anything can log it or write it to a status.
 */
public abstract sealed class ProviderException extends Exception {

  private final String reason;

  private ProviderException(String reason, String message, Throwable cause) {
    super(Scrubber.untrusted(message), cause);
    this.reason = reason;
  }

  /** A CamelCase reason for conditions and Events. */
  public String reason() {
    return reason;
  }

  /** The request can never run on this provider as it is; retrying will not help. */
  public static final class InvalidRequest extends ProviderException {
    public InvalidRequest(String reason, String message) {
      super(reason, message, null);
    }
  }

  /** No capacity now (GPUs busy, out of stock); the job waits and tries again. Not a failure of the job. */
  public static final class NoCapacity extends ProviderException {
    public NoCapacity(String message) {
      super("NoCapacity", message, null);
    }
  }

  /** The provider refused the credentials. */
  public static final class InvalidCredentials extends ProviderException {
    public InvalidCredentials(String message, Throwable cause) {
      super("InvalidCredentials", message, cause);
    }
  }

  /** A failure that may pass: throttling, a 5xx, a timeout, an unreachable endpoint. */
  public static final class Transient extends ProviderException {
    public Transient(String reason, String message, Throwable cause) {
      super(reason, message, cause);
    }
  }
}
