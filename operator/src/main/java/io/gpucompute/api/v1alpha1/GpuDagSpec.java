package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** The tasks of a {@link GpuDag}, what they share, and how many run at once. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuDagSpec {

  /** The most tasks a DAG may have. */
  public static final int MAX_TASKS = 10_000;

  @Required
  @Size(min = 1, max = MAX_TASKS)
  @JsonPropertyDescription("The tasks. Each runs as a GpuJob named <dag name>-<task name> once every task it depends on "
      + "has succeeded. Names must be unique, dependencies must name tasks of this DAG, and the dependencies must not "
      + "form a cycle: otherwise the DAG is Stalled with reason InvalidGraph and starts nothing.")
  private List<DagTask> tasks = new ArrayList<>();

  @JsonPropertyDescription("GpuJob spec fields shared by every task (for example providerConfigRef, image, gpu). "
      + "A field set in a task's template wins; env is merged by variable name.")
  private GpuJobTemplate defaults;

  @JsonPropertyDescription("When true (the default), once a task fails no new task starts: pending tasks are Skipped, "
      + "running tasks finish, then the DAG fails. When false, only the tasks that depend on a failed task are Skipped, "
      + "and the others run.")
  private Boolean failFast;

  @Min(1)
  @JsonPropertyDescription("The most tasks whose GpuJobs exist and have not finished, at once. Unset means no limit "
      + "(the providers' queues still limit what runs).")
  private Integer parallelism;

  @JsonPropertyDescription("When true, the DAG's unfinished GpuJobs are suspended (their work is stopped) and no new "
      + "task starts. Setting it back to false resumes them.")
  private Boolean suspend;

  /** Effective failFast: the spec's value, or true. */
  public boolean effectiveFailFast() {
    return !Boolean.FALSE.equals(failFast);
  }

  /** Whether the user asked to suspend the DAG. */
  public boolean suspended() {
    return Boolean.TRUE.equals(suspend);
  }
}
