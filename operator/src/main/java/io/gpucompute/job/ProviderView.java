package io.gpucompute.job;

import java.math.BigDecimal;

/** What a job's reconciler found of the ProviderConfig the job names. */
public sealed interface ProviderView {

  /**
   * The provider can take this job.
   *
   * @param label the provider as shown in status, {@code <type>/<ProviderConfig name>}
   * @param name the ProviderConfig's name
   * @param uid the ProviderConfig's uid, which a new attempt is bound to
   * @param pricePerGpuHour USD per GPU-hour for the job's GPU type, or null when unknown
   * @param findsWorkloadsByKey whether its adapter finds a workload from the attempt's key alone
   */
  record Usable(String label, String name, String uid, BigDecimal pricePerGpuHour, boolean findsWorkloadsByKey)
      implements ProviderView {}

  /**
   * The job cannot use the provider now.
   *
   * @param reason a {@link JobReason}
   * @param message what a person should do about it
   * @param stalled whether only a change by a person helps (true) or it may pass by itself (false)
   */
  record Blocked(String label, String reason, String message, boolean stalled) implements ProviderView {}

  /** The provider as shown in status, or null when there is none. */
  String label();
}
