package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * The names of a {@link GpuDag}'s tasks, one list per phase, in the order of {@code spec.tasks}. Grouping by phase
 * keeps the status small: a task costs its name and three bytes, so 5,000 tasks fit in well under 150 KiB.
 * Empty lists are left out.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DagTaskLists {
  @JsonPropertyDescription("Tasks not started yet.")
  private List<String> pending = new ArrayList<>();

  @JsonPropertyDescription("Tasks whose GpuJob exists and has not finished.")
  private List<String> running = new ArrayList<>();

  @JsonPropertyDescription("Tasks whose GpuJob is suspended.")
  private List<String> suspended = new ArrayList<>();

  @JsonPropertyDescription("Tasks whose GpuJob succeeded.")
  private List<String> succeeded = new ArrayList<>();

  @JsonPropertyDescription("Tasks whose GpuJob failed, or was deleted before it finished.")
  private List<String> failed = new ArrayList<>();

  @JsonPropertyDescription("Tasks that will not run.")
  private List<String> skipped = new ArrayList<>();
}
