package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** The hourly price of one GPU of a type. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class GpuPrice {
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  @JsonPropertyDescription("The GPU type, as in GpuJob spec.gpu.type.")
  private String gpuType;

  @Required
  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("USD per GPU per hour, as a decimal string such as \"1.89\".")
  private String pricePerHour;

  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("USD per GPU per hour on spot (interruptible) capacity, where the provider has it. Unset "
      + "keeps the catalogue's spot price, if any.")
  private String spotPricePerHour;

  /** A price without a spot price. */
  public GpuPrice(String gpuType, String pricePerHour) {
    this(gpuType, pricePerHour, null);
  }
}
