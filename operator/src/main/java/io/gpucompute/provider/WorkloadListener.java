package io.gpucompute.provider;

/** Told when a provider sees a workload change (for example a Local process exits), so the job is reconciled now. */
@FunctionalInterface
public interface WorkloadListener {
  /** The workload of {@code key} changed state. Must return quickly and never throw. */
  void changed(WorkloadKey key);
}
