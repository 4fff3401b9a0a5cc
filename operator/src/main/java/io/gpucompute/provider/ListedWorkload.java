package io.gpucompute.provider;

import java.time.Instant;
import java.util.Objects;

/**
 * A workload as {@link GpuProvider#listWorkloads} finds it at the provider.
 *
 * @param key the attempt it belongs to, read back from its name, tags or labels; the job's namespace and name are
 *     {@value #UNKNOWN} where the provider keeps only the uid and attempt
 * @param externalId the provider's id of it
 * @param createdAt when the provider created it, when known
 */
public record ListedWorkload(WorkloadKey key, String externalId, Instant createdAt) {

  /** The namespace or name of a job that the provider does not keep. */
  public static final String UNKNOWN = "?";

  public ListedWorkload {
    Objects.requireNonNull(key, "key");
  }
}
