package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A Secret of type kubernetes.io/dockerconfigjson in the job's namespace, by name. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class ImagePullSecret {
  @Required
  @Size(min = 1, max = 253)
  @Pattern(ApiGroup.DNS_SUBDOMAIN_PATTERN)
  @JsonPropertyDescription("The Secret's name. It must be of type kubernetes.io/dockerconfigjson (what kubectl create "
      + "secret docker-registry makes) and live in the job's namespace.")
  private String name;
}
