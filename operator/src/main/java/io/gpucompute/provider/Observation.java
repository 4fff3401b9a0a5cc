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
 * @param startedAt when the provider began to bill for it, where it reports that (a process's or container's start, an
 *     instance's start); null otherwise, and the attempt is billed from its record, just before the create
 * @param finishedAt when the provider stopped billing for it, where that is when it ended (a process or container);
 *     null for a pod or instance, which bills until it is released, so the attempt is billed until the operator sees it
 *     end
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

  /**
   * This observation as an adapter's bulk observation gives it ({@link GpuProvider#observesInBulk}): without the log
   * tail while the workload is pending or running, so that new output alone does not count as a change (the job
   * keeps the tail it has, and its reconcile observes the workload on its own, logs included, when it changed);
   * unchanged once it has ended.
   */
  public Observation withoutLogTailWhileHeld() {
    if (state != WorkloadState.PENDING && state != WorkloadState.RUNNING || logTail == null) {
      return this;
    }
    return new Observation(state, externalId, exitCode, message, null, startedAt, finishedAt);
  }
}
