package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One GPU type a provider offers. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class GpuOffer {
  @JsonPropertyDescription("The GPU type, as in GpuJob spec.gpu.type.")
  private String gpuType;

  @JsonPropertyDescription("The provider's own name for it, for example NVIDIA H100 80GB HBM3 or a cloud instance family.")
  private String providerName;

  @JsonPropertyDescription("How many there are, when the provider has a fixed inventory (Local). Unset means on demand.")
  private Integer count;

  @JsonPropertyDescription("Memory per GPU in GiB, when known.")
  private Integer memoryGiB;

  @JsonPropertyDescription("USD per GPU per hour, as a decimal string. Unset when no price is known.")
  private String pricePerHour;

  @JsonPropertyDescription("USD per GPU per hour on spot (interruptible) capacity, as a decimal string. Unset when the "
      + "provider has no spot capacity for the type, or no price for it.")
  private String spotPricePerHour;

  /** An offer without spot capacity. */
  public GpuOffer(String gpuType, String providerName, Integer count, Integer memoryGiB, String pricePerHour) {
    this(gpuType, providerName, count, memoryGiB, pricePerHour, null);
  }
}
