package io.gpucompute.provider;

import io.gpucompute.secrets.Scrubber;

/**
 * The one error taxonomy of provider calls. Adapters map every failure onto one of these; the operator maps
 * these, in one place ({@code io.gpucompute.job.SubmitOutcome} for submits), onto conditions: {@link InvalidRequest}
 * stalls the job, {@link NoCapacity} queues it, {@link InvalidCredentials} marks the ProviderConfig not ready,
 * {@link Transient} retries with backoff, {@link OutcomeUnknown} ends the attempt.
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

  /**
   * A request may or may not have reached the provider (its answer was lost), and the adapter cannot find what it
   * may have created by the workload's key. Only such adapters throw it, from {@link GpuProvider#submit}; the
   * operator then ends the attempt instead of sending it again blindly.
   */
  public static final class OutcomeUnknown extends ProviderException {
    public OutcomeUnknown(String message, Throwable cause) {
      super("SubmitOutcomeUnknown", message, cause);
    }
  }

  /** A failure that may pass: throttling, a 5xx, a timeout, an unreachable endpoint. */
  public static final class Transient extends ProviderException {
    public Transient(String reason, String message, Throwable cause) {
      super(reason, message, cause);
    }
  }
}
