package io.gpucompute.dag;

/** The CamelCase reasons a GpuDag's conditions and Events carry. docs/conditions.md explains each one. */
public enum DagReason {
  /** Tasks run or wait for their dependencies. */
  TASKS_RUNNING("TasksRunning"),
  /** A task failed under failFast: nothing new starts, and the DAG waits for its running tasks to finish. */
  WAITING_FOR_RUNNING_TASKS("WaitingForRunningTasks"),
  /** Every task succeeded. */
  COMPLETED("Completed"),
  /** Every task has finished or been skipped, and at least one failed. */
  TASKS_FAILED("TasksFailed"),
  /** spec.suspend is true. */
  SUSPENDED("Suspended"),
  /** Duplicate task names, unknown dependencies or a dependency cycle. */
  INVALID_GRAPH("InvalidGraph"),
  /** A task's template and the defaults together lack a required GpuJob field. */
  INVALID_TASK("InvalidTask"),
  /** The DAG's name is too long to be a label value. */
  INVALID_NAME("InvalidName"),
  /** A GpuJob with a task's name exists and belongs to something else. */
  JOB_NAME_CONFLICT("JobNameConflict");

  private final String text;

  DagReason(String text) {
    this.text = text;
  }

  /** The reason as conditions and Events carry it: CamelCase. */
  @Override
  public String toString() {
    return text;
  }
}
