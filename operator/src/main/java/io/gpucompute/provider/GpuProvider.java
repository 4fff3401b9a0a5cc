package io.gpucompute.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured provider account (one {@code ProviderConfig}) that runs workloads on GPUs.
 *
 * <p>Every method may be called from several reconcile threads at once, and again after an operator restart
 * with a fresh instance: adapters keep their truth at the provider (or on disk for Local), never only in memory.
 * {@link #submit} and {@link #cancel} are idempotent per {@link WorkloadKey}.
 *
 * <p>The lifecycle the operator drives, so that a crash between any two steps loses nothing:
 * <ol>
 *   <li>it records the attempt in the job's status, then calls {@link #submit};</li>
 *   <li>it {@link #observe}s the workload until it has ended; an ended workload stays as it is (finished, with its
 *       exit code and log) until step 4, also for a fresh instance of the adapter;</li>
 *   <li>it saves the outcome in the job's status;</li>
 *   <li>only then it {@link #cancel}s the workload, which releases it (and stops billing).</li>
 * </ol>
 * So no adapter releases a workload on its own when it sees it end.
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
   * @throws ProviderException.NoCapacity when no GPU of the type is free now; nothing was created
   * @throws ProviderException.InvalidRequest when the request can never run here (unknown GPU type, ...); nothing
   *     was created
   * @throws ProviderException.Transient when the call failed in a way that may pass; for an adapter that
   *     {@link #findsWorkloadsByKey finds workloads by key} the workload may or may not exist (a later submit of the
   *     same key finds it), for any other adapter nothing was created
   * @throws ProviderException.OutcomeUnknown only from an adapter that cannot find workloads by key, when the
   *     request may have reached the provider but its answer was lost
   */
  SubmitResult submit(WorkloadSpec spec) throws ProviderException;

  /**
   * What the provider knows of the workload for {@code key}; {@link WorkloadState#NOT_FOUND} when nothing. A finished
   * workload that was not cancelled yet reads as finished, with its exit code, for any instance of the adapter.
   */
  Observation observe(WorkloadKey key) throws ProviderException;

  /**
   * Like {@link #observe(WorkloadKey)}, given the provider's id of the workload as the job's status recorded it from
   * {@link SubmitResult#externalId} (null when none was recorded). An adapter that cannot find workloads by key
   * needs it after a restart; the others ignore it.
   */
  default Observation observe(WorkloadKey key, String recordedId) throws ProviderException {
    return observe(key);
  }

  /** A workload to observe: its key, and the provider's id of it as the job's status recorded it (or null). */
  record WorkloadRef(WorkloadKey key, String recordedId) {}

  /**
   * What the provider knows of each of {@code workloads} now, as {@link #observe(WorkloadKey, String)} would say it,
   * in as few calls as the provider allows: an adapter that {@link #observesInBulk observes in bulk} makes one call
   * per page of results (a listing by label or tag), whatever the number of workloads; the others observe each
   * workload in turn. A workload that could not be observed this time (a failed call) is left out of the answer; one
   * the provider does not know is {@link WorkloadState#NOT_FOUND}.
   *
   * @throws ProviderException when nothing could be observed (an adapter that observes in bulk and whose listing failed)
   */
  default Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
    Map<WorkloadKey, Observation> observed = new LinkedHashMap<>();
    for (WorkloadRef workload : workloads) {
      try {
        observed.put(workload.key(), observe(workload.key(), workload.recordedId()));
      } catch (ProviderException e) {
        // left out: it is observed again at the next round
      }
    }
    return observed;
  }

  /** Whether {@link #observeAll} is the adapter's own: calls per page of results rather than per workload. */
  default boolean observesInBulk() {
    return false;
  }

  /**
   * Whether {@link #observeAll} says of each workload all that {@link #observe(WorkloadKey, String)} says, its log
   * tail included, so a job may decide from it without observing again. True where observeAll loops over observe;
   * an adapter whose listings leave the logs out says false.
   */
  default boolean observesAllInFull() {
    return !observesInBulk();
  }

  /**
   * Stops the workload for {@code key} and releases everything it holds (GPUs, instances, pods), so billing
   * stops. A no-op when there is nothing: safe to call again after a crash or for a key never submitted.
   */
  void cancel(WorkloadKey key) throws ProviderException;

  /** Like {@link #cancel(WorkloadKey)}, given the recorded id as in {@link #observe(WorkloadKey, String)}. */
  default void cancel(WorkloadKey key, String recordedId) throws ProviderException {
    cancel(key);
  }

  /**
   * Lets go of the workload for {@code key} for good, because its GpuJob is being deleted: stops it if it still runs
   * and removes whatever the provider kept of it after it ended (the Local provider's directory and log, a finished
   * batch Job). After this {@link #observe} may say {@link WorkloadState#NOT_FOUND}. Idempotent, like
   * {@link #cancel}, which is all it does unless an adapter keeps records of finished workloads.
   */
  default void forget(WorkloadKey key) throws ProviderException {
    cancel(key);
  }

  /** Like {@link #forget(WorkloadKey)}, given the recorded id as in {@link #observe(WorkloadKey, String)}. */
  default void forget(WorkloadKey key, String recordedId) throws ProviderException {
    forget(key);
  }

  /**
   * Whether the adapter finds a workload from its key alone (by name, tag or label at the provider). When it cannot
   * (RunPod serverless finds requests by id only), the operator records the id {@link #submit} returns at once, and a
   * recorded attempt without an id is one whose outcome is unknown: it is never submitted again blindly.
   */
  default boolean findsWorkloadsByKey() {
    return true;
  }

  /**
   * The workloads that installation {@code installation} created in this provider account and that still exist,
   * for the orphan sweep; empty when the adapter cannot list them. One call per page of results at the provider.
   * Workloads of other installations (another cluster sharing the account) are never listed.
   */
  default Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    return Optional.empty();
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
