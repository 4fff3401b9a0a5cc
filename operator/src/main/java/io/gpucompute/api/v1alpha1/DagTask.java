package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One task of a {@link GpuDag}: a GpuJob and the tasks that must succeed before it starts. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class DagTask {

  /** The longest task name: it becomes the value of the {@link GpuDag#TASK_LABEL} label. */
  public static final int MAX_NAME_LENGTH = 63;

  @Required
  @Size(min = 1, max = MAX_NAME_LENGTH)
  @Pattern(ApiGroup.DNS_LABEL_PATTERN)
  @JsonPropertyDescription("The task's name, unique in the DAG: a DNS label (lower-case letters, digits and '-', at most "
      + "63 characters). Its GpuJob is named <dag name>-<task name>.")
  private String name;

  @JsonPropertyDescription("The names of the tasks that must succeed before this one starts. Empty means it starts at once.")
  private List<String> dependsOn = new ArrayList<>();

  @JsonPropertyDescription("The task's GpuJob spec. Fields left unset here come from spec.defaults; together they must "
      + "set providerConfigRef, image and gpu, or the DAG is Stalled with reason InvalidTask.")
  private GpuJobTemplate template;

  /** A task with dependencies and no template. */
  public static DagTask of(String name, String... dependsOn) {
    return new DagTask(name, new ArrayList<>(List.of(dependsOn)), null);
  }
}
