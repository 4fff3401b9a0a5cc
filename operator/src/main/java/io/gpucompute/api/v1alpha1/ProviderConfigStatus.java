package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the operator observed of a {@link ProviderConfig}. Written by the operator only. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProviderConfigStatus {
  @JsonPropertyDescription("Conditions. Ready is True when the config is valid, its Secret is found and the provider answers a probe; "
      + "otherwise its reason says why (for example NotImplemented, SecretNotFound, InvalidCredentials, NoGpus). "
      + "Stalled is True when Ready is False for a reason only a person can fix (a spec, Secret or credentials the "
      + "provider refuses); the GpuJobs that use the ProviderConfig are then Stalled with the same reason.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("The GPUs this provider offers, with their hourly prices.")
  private List<GpuOffer> offers = new ArrayList<>();

  @JsonPropertyDescription("How many GpuJobs hold a workload on this provider now: from the record of an attempt until "
      + "its workload is released. While it is above 0, deleting the ProviderConfig waits (its finalizer).")
  private Integer activeJobs;
}
