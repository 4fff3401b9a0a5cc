package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** The GPUs a job needs. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class GpuRequest {
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  @JsonPropertyDescription("The GPU model, as a short token such as A100, H100, H200, L4, T4, A10 or RTX4090. "
      + "Each provider maps it to its own instance or device types.")
  private String type;

  @Required
  @Min(1)
  @io.fabric8.generator.annotation.Max(64)
  @JsonPropertyDescription("How many GPUs of that type the job gets. At least 1.")
  private Integer count;

  @Min(1)
  @JsonPropertyDescription("The least memory, in GiB, each GPU must have (for example 80 to rule out 40 GiB A100s). Unset accepts any.")
  private Integer memoryGiB;

  /** A request for {@code count} GPUs of {@code type}. */
  public static GpuRequest of(String type, int count) {
    return new GpuRequest(type, count, null);
  }

  /** The request as shown in the printer column, for example {@code A100x1}. */
  public String summary() {
    return type + "x" + count;
  }
}
