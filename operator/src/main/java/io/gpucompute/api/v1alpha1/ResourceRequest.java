package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** CPU, memory and disk besides the GPUs. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class ResourceRequest {
  @Min(1)
  @JsonPropertyDescription("Whole CPU cores.")
  private Integer cpu;

  @Min(1)
  @JsonPropertyDescription("Memory in GiB.")
  private Integer memoryGiB;

  @Min(1)
  @JsonPropertyDescription("Scratch disk in GiB.")
  private Integer diskGiB;
}
