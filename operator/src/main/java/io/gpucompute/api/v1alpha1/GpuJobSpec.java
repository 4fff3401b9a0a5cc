package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What a {@link GpuJob} runs, where, and under which limits. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuJobSpec {

  @JsonPropertyDescription("The ProviderConfig (cluster-scoped) whose provider runs this job. It must allow this job's "
      + "namespace. Set it, or spec.placement, or neither: then every ProviderConfig that allows the namespace and "
      + "offers the GPU type is a candidate, the cheapest first. A change takes effect with the next attempt.")
  private ProviderConfigReference providerConfigRef;

  @JsonPropertyDescription("The ProviderConfigs the job may run on (by name or label) and how one is picked for each "
      + "attempt: the cheapest offer with room, or the first in order. Leave it unset when providerConfigRef is set.")
  private JobPlacement placement;

  @JsonPropertyDescription("Whether the job may run on spot (interruptible) capacity: Never (the default), Prefer "
      + "(spot and on-demand offers compete by price, on-demand when spot is out) or Only.")
  private SpotPolicy spot;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("How many times the job is run again after a provider takes its spot capacity back. Such a "
      + "preemption is not a failure: it uses no retry of backoffLimit, and the job skips the provider that preempted "
      + "it for a while. Defaults to 3.")
  private Integer maxPreemptions;

  @Required
  @io.fabric8.generator.annotation.Size(min = 1)
  @JsonPropertyDescription("The container image that holds the job's program, for example nvcr.io/nvidia/pytorch:24.02-py3. "
      + "The Local provider records it without pulling it and runs the command on the operator's host.")
  private String image;

  @JsonPropertyDescription("The entrypoint, as an argv list (not run by a shell). Empty means the image's default entrypoint; "
      + "the Local provider has no image entrypoint and needs a command.")
  private List<String> command = new ArrayList<>();

  @JsonPropertyDescription("Arguments appended to command.")
  private List<String> args = new ArrayList<>();

  @io.fabric8.generator.annotation.Size(max = 16)
  @JsonPropertyDescription("Secrets of type kubernetes.io/dockerconfigjson in the job's namespace, to pull a private "
      + "image. Each provider uses them its own way: imagePullSecrets on the pod (Kubernetes), a copy beside the Job "
      + "(TencentTKE), a registry auth (RunPod pods); the other providers say in status why they do not (Local does "
      + "not pull). Read only at submit; their values never reach status, Events or logs.")
  private List<ImagePullSecret> imagePullSecrets = new ArrayList<>();

  @io.fabric8.generator.annotation.Size(max = 16)
  @JsonPropertyDescription("Volumes the job's container sees at their mountPath: a PersistentVolumeClaim, the "
      + "provider's own storage or scratch space. A provider that cannot mount one refuses the job with reason "
      + "VolumeNotSupported before anything is created; docs/data-and-images.md has the table.")
  private List<Volume> volumes = new ArrayList<>();

  @JsonPropertyDescription("Environment variables for the job: a plain value, or a secretKeyRef to a Secret in the job's own namespace. "
      + "Secret values are resolved only when the job is submitted, and never written to status, Events or logs.")
  private List<EnvVar> env = new ArrayList<>();

  @Required
  @JsonPropertyDescription("The GPUs the job needs: their type and count, and optionally the memory each must have.")
  private GpuRequest gpu;

  @JsonPropertyDescription("CPU, memory and disk the job needs besides its GPUs. Providers that size machines use them.")
  private ResourceRequest resources;

  @Min(1)
  @JsonPropertyDescription("How long the job may run, in seconds, counted from its first start and across retries. "
      + "When it passes, the work is stopped and the job fails with reason DeadlineExceeded. Unset means no deadline.")
  private Long activeDeadlineSeconds;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("How many times a failed attempt is retried, with exponential backoff and jitter, before the job fails. "
      + "The job runs at most backoffLimit + 1 times. Defaults to 0: GPU time is expensive, so retries are opt-in.")
  private Integer backoffLimit;

  @JsonPropertyDescription("Queue priority: when a provider is full, waiting jobs are admitted highest priority first, then oldest first. "
      + "Defaults to 0; may be negative.")
  private Integer priority;

  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("The most this job may cost per hour, in USD, as a decimal string such as \"2.50\". "
      + "An offer above it is refused and the job is not submitted.")
  private String maxPricePerHour;

  @JsonPropertyDescription("When true, running work is stopped and nothing new starts; the record stays. Setting it back to false "
      + "queues the job again. A suspended attempt does not count as a failure.")
  private Boolean suspend;

  @Min(0)
  @JsonPropertyDescription("Seconds after the job finishes (Succeeded or Failed) when the GpuJob object is deleted. Unset keeps it.")
  private Long ttlSecondsAfterFinished;

  /** Effective retry limit: the spec's value, or 0. */
  public int effectiveBackoffLimit() {
    return backoffLimit == null ? 0 : backoffLimit;
  }

  /** Effective preemption limit: the spec's value, or 3. */
  public int effectiveMaxPreemptions() {
    return maxPreemptions == null ? 3 : maxPreemptions;
  }

  /** Effective spot policy: the spec's value, or Never. */
  public SpotPolicy effectiveSpot() {
    return spot == null ? SpotPolicy.Never : spot;
  }

  /** Effective priority: the spec's value, or 0. */
  public int effectivePriority() {
    return priority == null ? 0 : priority;
  }

  /** Whether the user asked to suspend the job. */
  public boolean suspended() {
    return Boolean.TRUE.equals(suspend);
  }
}
