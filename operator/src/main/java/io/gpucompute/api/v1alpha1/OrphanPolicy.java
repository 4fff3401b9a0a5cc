package io.gpucompute.api.v1alpha1;

/**
 * What a ProviderConfig's orphan sweep does with a workload that this installation created at the provider but whose
 * GpuJob no longer exists.
 */
public enum OrphanPolicy {
  /** Stop and release it, with an Event. The default: an orphan only costs money. */
  Delete,
  /** Leave it, and say so in an Event and a metric, so that a person decides. */
  Report
}
