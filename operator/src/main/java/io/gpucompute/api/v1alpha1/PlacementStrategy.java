package io.gpucompute.api.v1alpha1;

/** How a job's placement orders the ProviderConfigs it may run on. */
public enum PlacementStrategy {
  /** The cheapest offer first (spot and on-demand compared by price); unknown prices last, in listed order. */
  Cheapest,
  /** The ProviderConfigs in the order listed (by name for a selector); the first that has room wins. */
  Ordered
}
