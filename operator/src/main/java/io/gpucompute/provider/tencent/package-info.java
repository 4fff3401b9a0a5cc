/**
 * The TencentTKE provider: job attempts as batch/v1 Jobs on a Tencent Cloud TKE cluster, through the shared
 * {@link io.gpucompute.provider.kubernetes.BatchJobWorkloads}; the cluster's kubeconfig comes from the TKE API
 * (version 2018-05-25) through the Tencent Cloud Java SDK.
 */
package io.gpucompute.provider.tencent;
