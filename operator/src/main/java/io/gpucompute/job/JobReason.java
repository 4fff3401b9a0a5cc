package io.gpucompute.job;

/**
 * The CamelCase reasons a GpuJob's conditions and Events carry. docs/conditions.md explains each one.
 * Provider adapters add their own reasons for refused requests (for example {@code UnknownGpuType}).
 */
public final class JobReason {
  public static final String ACCEPTED = "Accepted";
  public static final String PROVIDER_AT_CAPACITY = "ProviderAtCapacity";
  public static final String GPUS_BUSY = "GpusBusy";
  public static final String NO_CAPACITY = "NoCapacity";
  public static final String RETRY_BACKOFF = "RetryBackoff";
  public static final String PROVIDER_CONFIG_NOT_FOUND = "ProviderConfigNotFound";
  public static final String NAMESPACE_NOT_ALLOWED = "NamespaceNotAllowed";
  public static final String PROVIDER_NOT_READY = "ProviderNotReady";
  public static final String PROVIDER_UNAVAILABLE = "ProviderUnavailable";
  public static final String PRICE_ABOVE_LIMIT = "PriceAboveLimit";
  public static final String PRICE_UNKNOWN = "PriceUnknown";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String WORKLOAD_SUBMITTED = "WorkloadSubmitted";
  public static final String WORKLOAD_PENDING = "WorkloadPending";
  public static final String WORKLOAD_RUNNING = "WorkloadRunning";
  public static final String WORKLOAD_FAILED = "WorkloadFailed";
  public static final String WORKLOAD_LOST = "WorkloadLost";
  public static final String COMPLETED = "Completed";
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String SUSPENDED = "Suspended";
  public static final String RESUMED = "Resumed";
  /** The provider may hold an attempt whose answer was lost, and cannot find it without that answer. */
  public static final String SUBMIT_OUTCOME_UNKNOWN = "SubmitOutcomeUnknown";
  /** The attempt runs on another ProviderConfig than spec.providerConfigRef now names; the next attempt moves. */
  public static final String PROVIDER_CHANGE_PENDING = "ProviderChangePending";
  /** The ProviderConfig is being deleted: it takes no new attempts. */
  public static final String PROVIDER_CONFIG_DELETING = "ProviderConfigDeleting";
  /** Deleting the job waits: an attempt's workload could not be stopped yet (the provider is unreachable...). */
  public static final String CLEANUP_BLOCKED = "CleanupBlocked";

  private JobReason() {}
}
