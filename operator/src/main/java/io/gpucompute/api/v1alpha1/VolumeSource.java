package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Where a volume's data lives. Exactly one field is set; which ones a provider supports is in docs/data-and-images.md. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class VolumeSource {
  @JsonPropertyDescription("A PersistentVolumeClaim in the namespace the provider's Job runs in (Kubernetes and "
      + "TencentTKE only).")
  private ClaimVolumeSource persistentVolumeClaim;

  @JsonPropertyDescription("The provider's own storage, by id: a RunPod network volume id; on AlibabaECS a snapshot id "
      + "(s-..., a cloud disk made from it at boot) or a NAS mount target (<domain>:/<path>); on Local a host path "
      + "under one of the ProviderConfig's spec.local.allowedHostPaths. Its region or data centre decides where the "
      + "job runs.")
  private ProviderVolumeSource provider;

  @JsonPropertyDescription("Empty scratch space that lives as long as the attempt's workload.")
  private EmptyDirVolumeSource emptyDir;

  /** How many of the fields are set; a valid source has exactly one. */
  public int count() {
    return (persistentVolumeClaim == null ? 0 : 1) + (provider == null ? 0 : 1) + (emptyDir == null ? 0 : 1);
  }
}
