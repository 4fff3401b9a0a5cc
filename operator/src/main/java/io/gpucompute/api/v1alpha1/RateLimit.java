package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** How fast the operator may call one provider account. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class RateLimit {

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Calls per second, sustained. Defaults to 10 for cloud providers (RunPod, AlibabaECS, "
      + "TencentTKE), 50 for Kubernetes, and no limit for Local.")
  private Integer requestsPerSecond;

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Calls allowed in a burst above the sustained rate. Defaults to twice requestsPerSecond.")
  private Integer burst;

  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Calls in flight at once. A provider that hangs holds no more reconcile threads than "
      + "this, so other ProviderConfigs keep working. Defaults to 8 (32 for Local and Kubernetes).")
  private Integer maxInFlight;
}
