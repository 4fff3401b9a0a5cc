package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import java.time.Instant;

/** Told of each status a GpuJob reconcile decides, for metrics. Must not throw and must not block. */
public interface JobMetrics {

  /** Records nothing. */
  JobMetrics NONE = (job, before, after, now) -> {};

  /**
   * A reconcile of {@code job} decided {@code after} (the status about to be written) from {@code before}.
   *
   * @param now when the decision was made
   */
  void decided(GpuJob job, GpuJobStatus before, GpuJobStatus after, Instant now);
}
