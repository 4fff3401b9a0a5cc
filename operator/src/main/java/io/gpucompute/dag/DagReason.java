package io.gpucompute.dag;

/** The CamelCase reasons a GpuDag's conditions and Events carry. docs/conditions.md explains each one. */
public final class DagReason {
  /** Tasks run or wait for their dependencies. */
  public static final String TASKS_RUNNING = "TasksRunning";
  /** A task failed under failFast: nothing new starts, and the DAG waits for its running tasks to finish. */
  public static final String WAITING_FOR_RUNNING_TASKS = "WaitingForRunningTasks";
  /** Every task succeeded. */
  public static final String COMPLETED = "Completed";
  /** Every task has finished or been skipped, and at least one failed. */
  public static final String TASKS_FAILED = "TasksFailed";
  /** spec.suspend is true. */
  public static final String SUSPENDED = "Suspended";
  /** Duplicate task names, unknown dependencies or a dependency cycle. */
  public static final String INVALID_GRAPH = "InvalidGraph";
  /** A task's template and the defaults together lack a required GpuJob field. */
  public static final String INVALID_TASK = "InvalidTask";
  /** The DAG's name is too long to be a label value. */
  public static final String INVALID_NAME = "InvalidName";
  /** A GpuJob with a task's name exists and belongs to something else. */
  public static final String JOB_NAME_CONFLICT = "JobNameConflict";

  private DagReason() {}
}
