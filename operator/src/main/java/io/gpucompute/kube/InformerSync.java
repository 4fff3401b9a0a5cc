package io.gpucompute.kube;

import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;

/** Whether a JOSDK cache has read its whole list from the API server. */
public final class InformerSync {

  private InformerSync() {}

  /**
   * Whether {@code cache} is set and, where it is backed by informers, every one of them has synced; a cache that is
   * not backed by informers (a test's) counts as synced once set.
   */
  public static boolean hasSynced(Object cache) {
    if (!(cache instanceof InformerWrappingEventSourceHealthIndicator<?> informers)) {
      return cache != null;
    }
    return !informers.informerHealthIndicators().isEmpty()
        && informers.informerHealthIndicators().values().stream().allMatch(InformerHealthIndicator::hasSynced);
  }
}
