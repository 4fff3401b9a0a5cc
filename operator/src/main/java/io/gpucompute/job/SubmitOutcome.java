package io.gpucompute.job;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;

/**
 * How a submit ended: the one place where a provider's answer to {@link io.gpucompute.provider.GpuProvider#submit}
 * (or the failure to build the request) becomes something {@link JobDecider#afterSubmit} decides on.
 */
public sealed interface SubmitOutcome {

  /** The provider started the workload, or found it started. */
  record Accepted(SubmitResult result) implements SubmitOutcome {}

  /** No capacity now; nothing was created. The job waits in the queue. */
  record NoCapacity(String message) implements SubmitOutcome {}

  /** The request can never run as it is (or the credentials are refused); nothing was created. */
  record Refused(String reason, String message) implements SubmitOutcome {}

  /**
   * A failure that may pass. Whether something was created depends on the provider: one that finds workloads by key
   * may hold it (the next submit of the same attempt finds it), any other does not.
   */
  record Unavailable(ProviderException.Transient cause) implements SubmitOutcome {}

  /** The provider may hold the workload, and cannot find it without the id whose answer was lost. */
  record Unknown(String message) implements SubmitOutcome {}

  /** The outcome that a provider's exception means. */
  static SubmitOutcome of(ProviderException failure) {
    if (failure instanceof ProviderException.NoCapacity) {
      return new NoCapacity(failure.getMessage());
    }
    if (failure instanceof ProviderException.Transient transientFailure) {
      return new Unavailable(transientFailure);
    }
    if (failure instanceof ProviderException.OutcomeUnknown) {
      return new Unknown(failure.getMessage());
    }
    // InvalidRequest and InvalidCredentials: only a person can fix them.
    return new Refused(failure.reason(), failure.getMessage());
  }
}
