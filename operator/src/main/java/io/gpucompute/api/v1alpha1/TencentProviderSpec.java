package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Map;
import lombok.Data;

/**
 * Settings of the TencentTKE provider (type TencentTKE): each job attempt runs as one batch/v1 Job on a Tencent
 * Cloud TKE cluster. The credentials Secret holds the keys {@code secretId} and {@code secretKey}; spec.region names
 * the cluster's region and spec.endpoint may override the TKE API endpoint.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TencentProviderSpec {

  @Required
  @Pattern("^cls-[a-z0-9]+$")
  @JsonPropertyDescription("The id of the TKE cluster, for example cls-65r1c5nu. The operator fetches its kubeconfig "
      + "with DescribeClusterKubeconfig.")
  private String clusterId;

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("The namespace on the TKE cluster that the Jobs run in. It must exist; the Jobs carry "
      + "labels naming their GpuJob.")
  private String namespace;

  @JsonPropertyDescription("The GPU types this provider offers, each with the node labels of the TKE nodes that have "
      + "it, for example {T4: {node.kubernetes.io/instance-type: GN7.2XLARGE40}}. Unset means the built-in "
      + "super-node types T4, V100 and A10, chosen with the pod annotation eks.tke.cloud.tencent.com/gpu-type.")
  private Map<String, Map<String, String>> gpuNodeSelectors;

  @JsonPropertyDescription("Whether the operator reaches the cluster's API server by its public (extranet) address. "
      + "Unset means true; false uses the VPC-internal address, for an operator inside the cluster's VPC.")
  private Boolean extranet;

  @JsonPropertyDescription("The TKE cluster's spot (interruptible) nodes. When set, jobs that may run on spot capacity "
      + "can run here on them; a pod taken off such a node counts as a preemption, not a failure.")
  private SpotNodes spot;
}
