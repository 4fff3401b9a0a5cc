package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;
import lombok.Data;

/**
 * A partial {@link GpuJobSpec}: the spec of a DAG task, or the defaults shared by a DAG's tasks. It has the fields of
 * a GpuJobSpec, none required, because the required ones may come from the defaults. It has no {@code suspend} and
 * no {@code ttlSecondsAfterFinished}: the DAG suspends its GpuJobs itself, and keeps them as long as it exists.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuJobTemplate {

  @JsonPropertyDescription("The ProviderConfig (cluster-scoped) whose provider runs the job. It must allow the DAG's namespace.")
  private ProviderConfigReference providerConfigRef;

  @io.fabric8.generator.annotation.Size(min = 1)
  @JsonPropertyDescription("The container image that holds the job's program. The Local provider records it without "
      + "pulling it and runs the command on the operator's host.")
  private String image;

  @JsonPropertyDescription("The entrypoint, as an argv list (not run by a shell). Set here, it replaces the defaults' command.")
  private List<String> command;

  @JsonPropertyDescription("Arguments appended to command. Set here, they replace the defaults' args.")
  private List<String> args;

  @JsonPropertyDescription("Environment variables: a plain value, or a secretKeyRef to a Secret in the DAG's namespace. "
      + "Merged with the defaults' env by name; a variable set here wins.")
  private List<EnvVar> env;

  @io.fabric8.generator.annotation.Size(max = 16)
  @JsonPropertyDescription("Secrets of type kubernetes.io/dockerconfigjson in the DAG's namespace, to pull a private "
      + "image. Set here, they replace the defaults' imagePullSecrets.")
  private List<ImagePullSecret> imagePullSecrets;

  @io.fabric8.generator.annotation.Size(max = 16)
  @JsonPropertyDescription("Volumes the job's container sees at their mountPath (see GpuJob spec.volumes). Set here, "
      + "they replace the defaults' volumes.")
  private List<Volume> volumes;

  @JsonPropertyDescription("The GPUs the job needs: their type and count, and optionally the memory each must have. "
      + "Set here, it replaces the defaults' gpu as a whole.")
  private GpuRequest gpu;

  @JsonPropertyDescription("CPU, memory and disk the job needs besides its GPUs. Set here, it replaces the defaults' resources.")
  private ResourceRequest resources;

  @Min(1)
  @JsonPropertyDescription("How long the job may run, in seconds, counted from its first start and across retries.")
  private Long activeDeadlineSeconds;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("How many times a failed attempt is retried before the job, and so the task, fails. Defaults to 0.")
  private Integer backoffLimit;

  @JsonPropertyDescription("Queue priority of the job when its provider is full. Defaults to 0; may be negative.")
  private Integer priority;

  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("The most the job may cost per hour, in USD, as a decimal string such as \"2.50\".")
  private String maxPricePerHour;
}
