package io.gpucompute.provider;

/** The provider's view of one workload. */
public enum WorkloadState {
  /** The provider has no record of it: never submitted, or already cleaned up. */
  NOT_FOUND,
  /** Accepted, not yet running (image pull, instance boot, provider queue). */
  PENDING,
  /** Running. */
  RUNNING,
  /** Ended with exit code 0. */
  SUCCEEDED,
  /** Ended with a non-zero exit code, or the provider reports it failed. */
  FAILED,
  /** It was running but vanished without an exit code (host reboot, killed outside the operator). */
  LOST,
  /**
   * The provider took its capacity back (a reclaimed spot instance or interruptible pod, a node drained for it): not
   * a failure of the job, which runs again elsewhere without using a retry.
   */
  PREEMPTED;

  /** Whether the workload has ended, one way or another. */
  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED || this == LOST || this == PREEMPTED;
  }
}
