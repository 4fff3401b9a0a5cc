package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** How many tasks of a {@link GpuDag} are in each phase. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class DagTaskCounts {
  @JsonPropertyDescription("All tasks of the spec.")
  private Integer total;

  @JsonPropertyDescription("Tasks not started yet: waiting for their dependencies, for a free place under "
      + "spec.parallelism, or for the DAG to be resumed.")
  private Integer pending;

  @JsonPropertyDescription("Tasks whose GpuJob exists and has not finished (it may still be queued for GPUs).")
  private Integer running;

  @JsonPropertyDescription("Tasks whose GpuJob is suspended.")
  private Integer suspended;

  @JsonPropertyDescription("Tasks whose GpuJob succeeded.")
  private Integer succeeded;

  @JsonPropertyDescription("Tasks whose GpuJob failed, or was deleted before it finished.")
  private Integer failed;

  @JsonPropertyDescription("Tasks that will not run: a dependency failed or was skipped, or another task failed "
      + "under failFast.")
  private Integer skipped;
}
