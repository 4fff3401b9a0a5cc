package io.gpucompute.operator;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.job.AttemptBindings;
import io.gpucompute.job.GpuJobReconciler;
import io.gpucompute.providerconfig.ProviderConfigJobs;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import java.util.List;

/**
 * What the GpuJob controller's cache says of the jobs on each ProviderConfig, for the ProviderConfig reconciler and
 * the orphan sweep. Empty (and not {@link #synced}) until the operator has started and its caches are filled.
 */
final class CachedJobs implements ProviderConfigJobs {

  private volatile IndexedResourceCache<GpuJob> cache;

  /** From now on, answers from {@code cache}, which is complete (the operator has started). */
  void use(IndexedResourceCache<GpuJob> cache) {
    this.cache = cache;
  }

  /** The cache, or null before the operator started. */
  IndexedResourceCache<GpuJob> cache() {
    return cache;
  }

  @Override
  public List<String> holding(String name, String uid) {
    IndexedResourceCache<GpuJob> jobs = cache;
    if (jobs == null) {
      return List.of();
    }
    return jobs.byIndex(GpuJobReconciler.BY_PROVIDER_CONFIG, name).stream()
        .filter(job -> AttemptBindings.unreleased(job)
            .filter(b -> b.name().equals(name) && (b.uid() == null || b.uid().equals(uid))).isPresent())
        .map(job -> job.getMetadata().getNamespace() + "/" + job.getMetadata().getName())
        .sorted().toList();
  }

  @Override
  public boolean exists(String jobUid) {
    IndexedResourceCache<GpuJob> jobs = cache;
    return jobs == null || !jobs.byIndex(GpuJobReconciler.BY_UID, jobUid).isEmpty();
  }

  @Override
  public boolean synced() {
    return cache != null;
  }
}
