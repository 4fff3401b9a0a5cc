package io.gpucompute.provider;

import java.util.List;

/**
 * One configured provider account (one {@code ProviderConfig}) that runs workloads on GPUs.
 *
 * <p>Every method may be called from several reconcile threads at once, and again after an operator restart
 * with a fresh instance: adapters keep their truth at the provider (or on disk for Local), never only in memory.
 * {@link #submit} and {@link #cancel} are idempotent per {@link WorkloadKey}.
 */
public interface GpuProvider extends AutoCloseable {

  /**
   * Checks the configuration, the credentials and that the provider answers. Expected failures (bad
   * credentials, unreachable endpoint) come back as a not-ready result rather than an exception.
   */
  ProbeResult probe();

  /** The GPU types this provider offers, with prices where it knows them. */
  List<Offer> offers() throws ProviderException;

  /**
   * Starts the workload for {@code spec.key()}, or finds the one already started for that key: the same key
   * never creates two workloads, even across operator restarts.
   *
   * @throws ProviderException.NoCapacity when no GPU of the type is free now; the job waits and tries again
   * @throws ProviderException.InvalidRequest when the request can never run here (unknown GPU type, ...)
   */
  SubmitResult submit(WorkloadSpec spec) throws ProviderException;

  /** What the provider knows of the workload for {@code key}; {@link WorkloadState#NOT_FOUND} when nothing. */
  Observation observe(WorkloadKey key) throws ProviderException;

  /**
   * Stops the workload for {@code key} and releases everything it holds (GPUs, instances, pods), so billing
   * stops. A no-op when there is nothing: safe to call again after a crash or for a key never submitted.
   */
  void cancel(WorkloadKey key) throws ProviderException;

  /**
   * Lets go of the workload for {@code key} for good, because its GpuJob is being deleted: stops it if it still runs
   * and removes whatever the provider kept of it after it ended (the Local provider's directory and log, a finished
   * batch Job). After this {@link #observe} may say {@link WorkloadState#NOT_FOUND}. Idempotent, like
   * {@link #cancel}, which is all it does unless an adapter keeps records of finished workloads.
   */
  default void forget(WorkloadKey key) throws ProviderException {
    cancel(key);
  }

  /**
   * Asks the provider to tell {@code listener} when a workload changes state. Providers that cannot push
   * changes ignore it; the operator polls them instead.
   */
  default void watch(WorkloadListener listener) {}

  /** Releases client resources (connections, threads). Never stops workloads. */
  @Override
  default void close() {}
}
