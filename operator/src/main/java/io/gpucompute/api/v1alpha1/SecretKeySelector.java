package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One key of a Secret in the referring object's namespace. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class SecretKeySelector {
  @Required
  @io.fabric8.generator.annotation.Size(min = 1, max = 253)
  @JsonPropertyDescription("The Secret's name.")
  private String name;

  @Required
  @io.fabric8.generator.annotation.Size(min = 1)
  @JsonPropertyDescription("The key within the Secret's data.")
  private String key;
}
