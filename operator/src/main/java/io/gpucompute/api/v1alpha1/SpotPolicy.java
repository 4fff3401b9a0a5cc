package io.gpucompute.api.v1alpha1;

/** Whether a job may run on spot (interruptible) capacity. */
public enum SpotPolicy {
  /** On-demand capacity only. The default. */
  Never,
  /** Spot and on-demand offers compete by price; when spot capacity is out, on-demand is used. */
  Prefer,
  /** Spot capacity only; the job waits when there is none. */
  Only
}
