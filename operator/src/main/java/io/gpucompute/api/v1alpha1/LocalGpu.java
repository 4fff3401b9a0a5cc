package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A number of declared GPUs of one type on the Local provider's host. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class LocalGpu {
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  @JsonPropertyDescription("The GPU type, as in GpuJob spec.gpu.type.")
  private String type;

  @Required
  @Min(1)
  @JsonPropertyDescription("How many GPUs of this type the host has.")
  private Integer count;
}
