package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Empty scratch space for one attempt. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class EmptyDirVolumeSource {
  @Min(1)
  @Max(65536)
  @JsonPropertyDescription("The most it may hold, in GiB, where the provider enforces a limit (Kubernetes: the "
      + "emptyDir's sizeLimit). Unset means no limit beyond the disk's.")
  private Integer sizeLimitGiB;
}
