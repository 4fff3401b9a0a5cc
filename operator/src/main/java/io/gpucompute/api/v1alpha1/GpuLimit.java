package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** The most GPUs of one type that a budget's jobs may hold at once. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class GpuLimit {
  @Required
  @Size(max = 63)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  @JsonPropertyDescription("The GPU type, as in GpuJob spec.gpu.type (compared without regard to case).")
  private String gpuType;

  @Required
  @Min(0)
  @Max(100000)
  @JsonPropertyDescription("How many GPUs of that type the covered jobs may hold at once. 0 allows none.")
  private Integer count;
}
