package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The GpuJob controller's cache as the other controllers read it, so that the operator keeps one copy of each GpuJob
 * (a second informer doubled its memory and its work per change): the jobs of a namespace, kept as the cache's store
 * changes, and each change as it happens.
 *
 * <p>A listener added here is told of a change after {@link #inNamespace} shows it, so whatever it triggers reads the
 * change. (The informer's own namespace index is updated after its store, so it could still miss it.)
 */
public final class JobCache implements GpuJobItemStore.Listener {

  private final Map<String, Map<String, GpuJob>> byNamespace = new ConcurrentHashMap<>();
  private final GpuJobItemStore store;
  private final BooleanSupplier synced;

  /**
   * @param store the store that tells this view of its changes (the view adds itself as a listener)
   * @param synced whether the informer behind the store has read its whole list
   */
  JobCache(GpuJobItemStore store, BooleanSupplier synced) {
    this.store = store;
    this.synced = synced;
    store.listen(this);
  }

  /** The cached jobs of {@code namespace}. */
  public Stream<GpuJob> inNamespace(String namespace) {
    Map<String, GpuJob> jobs = byNamespace.get(namespace);
    return jobs == null ? Stream.empty() : jobs.values().stream();
  }

  /** Whether the cache has read every GpuJob: until then, a count of jobs may miss some. */
  public boolean synced() {
    return synced.getAsBoolean();
  }

  /** Tells {@code listener} of each change from now on, once {@link #inNamespace} shows it. */
  public void listen(GpuJobItemStore.Listener listener) {
    store.listen(listener);
  }

  @Override
  public void stored(GpuJob before, GpuJob now) {
    byNamespace.compute(now.getMetadata().getNamespace(), (ns, jobs) -> {
      Map<String, GpuJob> of = jobs == null ? new ConcurrentHashMap<>() : jobs;
      of.put(now.getMetadata().getName(), now);
      return of;
    });
  }

  @Override
  public void removed(GpuJob gone) {
    byNamespace.computeIfPresent(gone.getMetadata().getNamespace(), (ns, jobs) -> {
      jobs.remove(gone.getMetadata().getName());
      return jobs.isEmpty() ? null : jobs;
    });
  }
}
