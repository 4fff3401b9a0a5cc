package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A provider's own storage, by the provider's id for it. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class ProviderVolumeSource {
  @Required
  @Size(min = 1, max = 1024)
  @JsonPropertyDescription("The provider's id of the storage: a RunPod network volume id; an AlibabaECS snapshot id "
      + "(s-...) or NAS mount target (<domain>:/<path>); a Local host path.")
  private String id;
}
