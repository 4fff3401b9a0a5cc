package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** What one person's finished attempts on one provider cost in a budget's period. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class UserSpend {
  @Size(max = 1024)
  @JsonPropertyDescription("Who submitted the jobs: their gpucompute.io/submitted-by annotation (the user name the "
      + "API server reported, for example oidc:alice), \"(unknown)\" for jobs without one, or \"(others)\" for the "
      + "sum of everyone past the first 20 lines.")
  private String user;

  @Size(max = 512)
  @JsonPropertyDescription("Where the attempts ran, as <type>/<ProviderConfig name>; \"(others)\" on the others line.")
  private String provider;

  @Size(max = 64)
  @JsonPropertyDescription("USD spent in the period, as an exact decimal string.")
  private String spent;
}
