package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A reference to a cluster-scoped ProviderConfig by name. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class ProviderConfigReference {
  @Required
  @io.fabric8.generator.annotation.Size(min = 1, max = 253)
  @JsonPropertyDescription("The name of the ProviderConfig.")
  private String name;
}
