package io.gpucompute.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's store that keeps each object without its {@code metadata.managedFields}, as Argo CD and Argo
 * Workflows strip them: the operator never reads them (every status write sends none), and they were the largest part
 * of a cached GpuJob (a tree of maps per field the operator and the API server's SSA track). docs/performance.md has
 * the measurements.
 */
public class LeanItemStore<R extends HasMetadata> extends BasicItemStore<R> {

  public LeanItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public R put(String key, R obj) {
    if (obj.getMetadata() != null) {
      obj.getMetadata().setManagedFields(null);
    }
    compact(obj);
    return super.put(key, obj);
  }

  /** Makes {@code obj} smaller without changing what it says (equal before and after); nothing by default. */
  protected void compact(R obj) {}
}
