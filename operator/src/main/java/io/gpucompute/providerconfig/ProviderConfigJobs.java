package io.gpucompute.providerconfig;

import java.util.List;

/** What the ProviderConfig reconciler needs to know of the GpuJobs, from the GpuJob controller's cache. */
public interface ProviderConfigJobs {

  /**
   * The jobs ({@code namespace/name}) whose current attempt holds a workload, not yet released, on the ProviderConfig
   * {@code name} with uid {@code uid}.
   */
  List<String> holding(String name, String uid);

  /** Whether a GpuJob with this uid exists. */
  boolean exists(String jobUid);

  /** Whether the GpuJob cache is complete (synced): until then no workload may be taken for an orphan. */
  boolean synced();
}
