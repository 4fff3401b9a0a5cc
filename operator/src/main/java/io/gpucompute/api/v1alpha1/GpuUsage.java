package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** The GPUs of one type that a budget's jobs hold now. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class GpuUsage {
  @Size(max = 253)
  @JsonPropertyDescription("The GPU type.")
  private String gpuType;

  @JsonPropertyDescription("How many GPUs of that type the covered jobs hold now (submitting or running).")
  private Integer inUse;

  @JsonPropertyDescription("The budget's limit for that type, if it has one.")
  private Integer limit;
}
