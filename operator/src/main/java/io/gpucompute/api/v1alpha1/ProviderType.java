package io.gpucompute.api.v1alpha1;

/** The kinds of provider a {@link ProviderConfig} can configure. */
public enum ProviderType {
  /** Processes on the operator's own host: the embedded default. */
  Local,
  /** batch/v1 Jobs on the GPU nodes of the cluster the operator runs in. */
  Kubernetes,
  /** RunPod GPU pods and serverless endpoints. */
  RunPod,
  /** Alibaba Cloud ECS GPU instances. */
  AlibabaECS,
  /** Jobs on a Tencent Cloud TKE cluster. */
  TencentTKE
}
