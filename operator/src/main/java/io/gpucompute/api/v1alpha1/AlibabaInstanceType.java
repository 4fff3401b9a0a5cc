package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One ECS instance type that serves a GPU type and count, for the AlibabaECS provider. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlibabaInstanceType {

  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  @JsonPropertyDescription("The GPU type, as in GpuJob spec.gpu.type, for example A10.")
  private String gpuType;

  @Required
  @Min(1)
  @JsonPropertyDescription("How many GPUs of that type the instance type has.")
  private Integer gpuCount;

  @Required
  @Pattern("^ecs\\.[a-z0-9.-]+$")
  @JsonPropertyDescription("The ECS instance type, for example ecs.gn7i-c8g1.2xlarge.")
  private String instanceType;

  @Min(1)
  @JsonPropertyDescription("Its vCPUs, so that jobs asking for more (spec.resources.cpu) skip it. Unset: taken to fit.")
  private Integer vcpus;

  @Min(1)
  @JsonPropertyDescription("Its memory in GiB, so that jobs asking for more (spec.resources.memoryGiB) skip it. Unset: "
      + "taken to fit.")
  private Integer memoryGiB;

  /** An entry without sizes. */
  public AlibabaInstanceType(String gpuType, Integer gpuCount, String instanceType) {
    this(gpuType, gpuCount, instanceType, null, null);
  }
}
