package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the operator observed of a {@link GpuDag} and its GpuJobs. Written by the operator only. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuDagStatus {

  @JsonPropertyDescription("Summary of the lifecycle: Pending, Running, Succeeded, Failed or Suspended. "
      + "Read the conditions for the API contract.")
  private DagPhase phase;

  @JsonPropertyDescription("Conditions: Complete and Failed (the batch/v1 Job model), and Reconciling and Stalled "
      + "(kstatus). Each has a CamelCase reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("A human-readable account of the DAG's state: what runs, what failed, why it waits.")
  private String message;

  @JsonPropertyDescription("Succeeded tasks of all tasks, as <succeeded>/<total>, for the printer column.")
  private String progress;

  @JsonPropertyDescription("How many tasks are in each phase.")
  private DagTaskCounts counts;

  @JsonPropertyDescription("The names of the tasks in each phase. Task <t>'s GpuJob is named <dag name>-<t>.")
  private DagTaskLists tasks;

  @JsonPropertyDescription("The sum of the estimatedCost of the DAG's GpuJobs, in USD, as a decimal string. "
      + "GpuJobs without an estimate (no activeDeadlineSeconds) add nothing; tasks not started yet are not counted.")
  private String estimatedCost;

  @JsonPropertyDescription("The sum of the accruedCost of the DAG's GpuJobs so far, in USD, as a decimal string.")
  private String accruedCost;

  @JsonPropertyDescription("When the first task was started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When the DAG reached Succeeded or Failed (RFC 3339).")
  private String completionTime;
}
