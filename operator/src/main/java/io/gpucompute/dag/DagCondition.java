package io.gpucompute.dag;

/** The condition types of a GpuDag: those of a GpuJob without the per-attempt Submitted and Running. */
public final class DagCondition {
  /** True once every task succeeded. */
  public static final String COMPLETE = "Complete";
  /** True once the DAG failed for good. */
  public static final String FAILED = "Failed";
  /** True while the operator works towards the spec (kstatus). */
  public static final String RECONCILING = "Reconciling";
  /** True when the DAG cannot progress without a change, and once it failed (kstatus). */
  public static final String STALLED = "Stalled";

  private DagCondition() {}
}
