package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One option a placement considered. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class PlacementCandidate {

  @JsonPropertyDescription("The ProviderConfig.")
  private String providerConfig;

  @JsonPropertyDescription("Whether the option is its spot capacity.")
  private Boolean spot;

  @JsonPropertyDescription("The job's price per hour in USD on it, when known.")
  private String pricePerHour;

  @JsonPropertyDescription("Chosen, or why not: a CamelCase reason such as ProviderAtCapacity, NoCapacity, "
      + "PriceAboveLimit, GpuTypeNotOffered, NamespaceNotAllowed or ProviderNotReady.")
  private String reason;

  @JsonPropertyDescription("The reason in words.")
  private String message;
}
