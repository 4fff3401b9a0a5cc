package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.JobPhase;

/** The phase of one task of a DAG, as its status lists and counts show it. */
public enum TaskPhase {
  /** Not started: waiting for dependencies, for a place under parallelism, or for the DAG to be resumed. */
  Pending,
  /** Its GpuJob exists and has not finished (the job may still be queued for GPUs). */
  Running,
  /** Its GpuJob is suspended. */
  Suspended,
  /** Its GpuJob succeeded. */
  Succeeded,
  /** Its GpuJob failed, or was deleted before it finished. */
  Failed,
  /** It will not run: a dependency failed or was skipped, or another task failed under failFast. */
  Skipped;

  /** Whether the task has ended for good. */
  public boolean isTerminal() {
    return this == Succeeded || this == Failed || this == Skipped;
  }

  /** Whether the task holds a GpuJob that has not finished; these count against parallelism. */
  public boolean isActive() {
    return this == Running || this == Suspended;
  }

  /** The task phase of a child GpuJob in {@code phase}; null (not reconciled yet) counts as Running. */
  public static TaskPhase ofJob(JobPhase phase) {
    if (phase == null) {
      return Running;
    }
    return switch (phase) {
      case Succeeded -> Succeeded;
      case Failed -> Failed;
      case Suspended -> Suspended;
      case Pending, Queued, Submitting, Running -> Running;
    };
  }
}
