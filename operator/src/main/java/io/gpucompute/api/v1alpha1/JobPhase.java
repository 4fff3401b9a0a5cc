package io.gpucompute.api.v1alpha1;

/**
 * The lifecycle phase of a {@link GpuJob}: a summary for people and printer columns. Tools should read the
 * conditions, which are the API's real contract.
 *
 * <ul>
 *   <li>{@link #Pending}: accepted and being checked. Exits to Queued, Submitting or Suspended; stays Pending
 *       with {@code Stalled=True} while its spec cannot be run.</li>
 *   <li>{@link #Queued}: waiting for capacity or for its retry backoff. Exits to Submitting, Suspended or Failed
 *       (deadline).</li>
 *   <li>{@link #Submitting}: handed to the provider; waiting for the workload to start. Exits to Running,
 *       Succeeded, Failed, Queued (retry) or Suspended.</li>
 *   <li>{@link #Running}: the workload runs. Exits to Succeeded, Failed, Queued (retry) or Suspended.</li>
 *   <li>{@link #Succeeded}, {@link #Failed}: terminal.</li>
 *   <li>{@link #Suspended}: {@code spec.suspend} is true and nothing runs. Exits to Pending.</li>
 * </ul>
 */
public enum JobPhase {
  Pending,
  Queued,
  Submitting,
  Running,
  Succeeded,
  Failed,
  Suspended;

  /** Whether the job has ended for good. */
  public boolean isTerminal() {
    return this == Succeeded || this == Failed;
  }

  /** Whether provider work exists (or may exist) for the current attempt. */
  public boolean holdsWorkload() {
    return this == Submitting || this == Running;
  }
}
