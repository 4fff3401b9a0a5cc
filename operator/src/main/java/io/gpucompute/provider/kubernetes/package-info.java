/**
 * The Kubernetes providers: each job attempt runs as one batch/v1 Job, on the operator's own cluster
 * ({@link io.gpucompute.provider.kubernetes.KubernetesProvider}) or on a Tencent Cloud TKE cluster
 * ({@link io.gpucompute.provider.kubernetes.tencent.TencentTkeProvider}). Both share {@link
 * io.gpucompute.provider.kubernetes.BatchJobWorkloads}.
 */
package io.gpucompute.provider.kubernetes;
