package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One environment variable of a job: a plain value, or a value read from a Secret. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class EnvVar {
  @Required
  @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
  @JsonPropertyDescription("The variable's name: letters, digits and underscores, not starting with a digit.")
  private String name;

  @JsonPropertyDescription("A plain value. Do not put secrets here: use valueFrom.secretKeyRef.")
  private String value;

  @JsonPropertyDescription("Where the value comes from when it is not a plain value.")
  private EnvVarSource valueFrom;

  /** A plain variable. */
  public static EnvVar plain(String name, String value) {
    return new EnvVar(name, value, null);
  }
}
