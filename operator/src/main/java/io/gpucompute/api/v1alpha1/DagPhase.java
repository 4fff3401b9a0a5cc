package io.gpucompute.api.v1alpha1;

/**
 * The lifecycle phase of a {@link GpuDag}: a summary for people and printer columns. Tools should read the
 * conditions.
 *
 * <ul>
 *   <li>{@link #Pending}: nothing started yet; stays Pending with {@code Stalled=True} while the graph is invalid.</li>
 *   <li>{@link #Running}: tasks have started and the DAG has not finished. Exits to Succeeded, Failed or Suspended.</li>
 *   <li>{@link #Succeeded}: every task succeeded. Terminal.</li>
 *   <li>{@link #Failed}: every task has finished or been skipped, and at least one failed. Terminal.</li>
 *   <li>{@link #Suspended}: {@code spec.suspend} is true. Exits to Running (or Pending) when it is set back.</li>
 * </ul>
 */
public enum DagPhase {
  Pending,
  Running,
  Succeeded,
  Failed,
  Suspended;

  /** Whether the DAG has ended for good. */
  public boolean isTerminal() {
    return this == Succeeded || this == Failed;
  }
}
