package io.gpucompute.provider;

import java.time.Instant;

/**
 * What a provider knows of one workload now.
 *
 * @param state the state
 * @param externalId the provider's id, or null when not found
 * @param exitCode the exit code once finished, when known
 * @param message a short human-readable explanation from the provider, or null
 * @param logTail the last lines of output, bounded; null when the provider cannot show logs (never "" for that)
 * @param startedAt when it started running, when known
 * @param finishedAt when it ended, when known
 */
public record Observation(
    WorkloadState state,
    String externalId,
    Integer exitCode,
    String message,
    String logTail,
    Instant startedAt,
    Instant finishedAt) {

  /** Nothing known of the workload. */
  public static Observation notFound() {
    return new Observation(WorkloadState.NOT_FOUND, null, null, null, null, null, null);
  }
}
