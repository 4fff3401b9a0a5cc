package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import lombok.Data;

/**
 * Settings of the RunPod provider (type RunPod): GPU pods by default, or jobs on one serverless endpoint when
 * {@code endpointId} is set. The API key comes from the credentials Secret's key {@code apiKey}.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunPodProviderSpec {

  /** Where RunPod may place a pod. */
  public enum CloudType {
    /** RunPod's own data centres. */
    SECURE,
    /** Hosts of community providers; cheaper, less vetted. */
    COMMUNITY,
    /** Either. */
    ALL
  }

  @JsonPropertyDescription("Where pods may run: SECURE (RunPod's data centres), COMMUNITY (community hosts) or ALL. "
      + "It also picks the price shown in status.offers: the secure or the community price, or the higher of the two "
      + "for ALL. Unset means SECURE. Not used with endpointId.")
  private CloudType cloudType;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9_-]*$")
  @JsonPropertyDescription("The id of a RunPod serverless endpoint. When set, each job attempt becomes one request "
      + "to that endpoint (its input holds the job's command, args and env) instead of a pod; the endpoint's own "
      + "image and GPUs run it. Unset means pods.")
  private String endpointId;

  @Min(1)
  @Max(4096)
  @JsonPropertyDescription("The container disk of each pod in GiB (temporary, gone with the pod). A job's "
      + "spec.resources.diskGiB overrides it. Unset means 20.")
  private Integer containerDiskGiB;

  @Min(0)
  @Max(4096)
  @JsonPropertyDescription("The volume of each pod in GiB, mounted at /workspace; it lives as long as the pod, which "
      + "the operator terminates when the job ends. With a volume, the run-once guard survives a reset of the pod's "
      + "container. Unset means 0 (no volume).")
  private Integer volumeGiB;
}
