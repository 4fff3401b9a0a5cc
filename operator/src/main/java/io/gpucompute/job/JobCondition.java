package io.gpucompute.job;

/** The condition types of a GpuJob. */
public final class JobCondition {
  /** True once the current attempt has been handed to the provider. */
  public static final String SUBMITTED = "Submitted";
  /** True while the workload runs. */
  public static final String RUNNING = "Running";
  /** True once the job succeeded (batch/v1 Job's Complete). */
  public static final String COMPLETE = "Complete";
  /** True once the job failed for good (batch/v1 Job's Failed). */
  public static final String FAILED = "Failed";
  /** True while the operator works towards the spec (kstatus). */
  public static final String RECONCILING = "Reconciling";
  /** True when the job cannot progress without a change to it or its provider (kstatus). */
  public static final String STALLED = "Stalled";

  private JobCondition() {}
}
