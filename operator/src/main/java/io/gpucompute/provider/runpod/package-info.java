/**
 * The RunPod adapter: GpuJobs as on-demand GPU pods (GraphQL API, pod logs from the REST API) or as requests to a
 * serverless endpoint. {@link io.gpucompute.provider.runpod.RunPodProviderFactory} builds it; {@code RunOnce} gives
 * pods, which RunPod restarts whenever their container exits, run-once semantics; {@code RunPodErrors} maps RunPod's
 * answers onto the provider error taxonomy. See docs/providers/runpod.md.
 */
package io.gpucompute.provider.runpod;
