package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A Secret named by namespace and name. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class SecretReference {
  @Required
  @io.fabric8.generator.annotation.Size(min = 1, max = 63)
  @JsonPropertyDescription("The Secret's namespace.")
  private String namespace;

  @Required
  @io.fabric8.generator.annotation.Size(min = 1, max = 253)
  @JsonPropertyDescription("The Secret's name.")
  private String name;
}
