package io.gpucompute.provider;

/**
 * What {@link GpuProvider#submit} started (or found already started).
 *
 * @param externalId the provider's id of the workload
 * @param note something the user should know about how it runs (for example that Local does not pull the
 *     image), or null
 */
public record SubmitResult(String externalId, String note) {}
