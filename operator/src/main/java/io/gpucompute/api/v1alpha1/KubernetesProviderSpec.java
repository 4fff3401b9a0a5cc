package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * Settings of the Kubernetes provider (type Kubernetes): each job attempt runs as one batch/v1 Job on the GPU nodes
 * of the cluster the operator runs in.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KubernetesProviderSpec {

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("The namespace the Jobs run in. Unset means the GpuJob's own namespace; then the Job is "
      + "owned by the GpuJob and garbage-collected with it. In another namespace the Job carries labels only, and the "
      + "operator deletes it when the GpuJob goes.")
  private String namespace;

  @JsonPropertyDescription("The GPU types this provider offers, each with the node labels of the nodes that have it, "
      + "for example {A100: {nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB}}. A job's spec.gpu.type must be one of "
      + "these keys. Unset or empty accepts any GPU type and selects nodes by the nvidia.com/gpu limit alone.")
  private Map<String, Map<String, String>> nodeSelectors = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations added to every Job's pod, typically for the taint of the GPU nodes "
      + "(key nvidia.com/gpu, operator Exists, effect NoSchedule).")
  private List<Toleration> tolerations = new ArrayList<>();

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("The RuntimeClass of every Job's pod, for example nvidia. Unset means the cluster's default.")
  private String runtimeClassName;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("The PriorityClass of every Job's pod. Unset means the cluster's default.")
  private String priorityClassName;

  @JsonPropertyDescription("The cluster's spot (interruptible) nodes. When set, jobs that may run on spot capacity "
      + "can run here on them; a pod taken off such a node counts as a preemption, not a failure.")
  private SpotNodes spot;
}
