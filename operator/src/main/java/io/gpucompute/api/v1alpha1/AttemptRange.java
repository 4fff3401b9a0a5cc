package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Earlier attempts of a {@link GpuJob} that ran on another ProviderConfig than the current attempt. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class AttemptRange {

  @JsonPropertyDescription("The first attempt of the range.")
  private Integer firstAttempt;

  @JsonPropertyDescription("The last attempt of the range.")
  private Integer lastAttempt;

  @JsonPropertyDescription("The ProviderConfig those attempts ran on.")
  private String providerConfig;

  @JsonPropertyDescription("The uid of that ProviderConfig.")
  private String providerConfigUid;
}
