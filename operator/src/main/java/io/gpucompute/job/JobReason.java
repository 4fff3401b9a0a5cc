package io.gpucompute.job;

/**
 * The CamelCase reasons a GpuJob's conditions and Events carry. docs/conditions.md explains each one.
 * Provider adapters add their own reasons for refused requests (for example {@code UnknownGpuType}).
 */
public enum JobReason {
  ACCEPTED("Accepted"),
  PROVIDER_AT_CAPACITY("ProviderAtCapacity"),
  GPUS_BUSY("GpusBusy"),
  NO_CAPACITY("NoCapacity"),
  RETRY_BACKOFF("RetryBackoff"),
  PROVIDER_CONFIG_NOT_FOUND("ProviderConfigNotFound"),
  NAMESPACE_NOT_ALLOWED("NamespaceNotAllowed"),
  PROVIDER_NOT_READY("ProviderNotReady"),
  PRICE_ABOVE_LIMIT("PriceAboveLimit"),
  PRICE_UNKNOWN("PriceUnknown"),
  SECRET_NOT_FOUND("SecretNotFound"),
  WORKLOAD_SUBMITTED("WorkloadSubmitted"),
  WORKLOAD_PENDING("WorkloadPending"),
  WORKLOAD_RUNNING("WorkloadRunning"),
  WORKLOAD_FAILED("WorkloadFailed"),
  WORKLOAD_LOST("WorkloadLost"),
  COMPLETED("Completed"),
  BACKOFF_LIMIT_EXCEEDED("BackoffLimitExceeded"),
  DEADLINE_EXCEEDED("DeadlineExceeded"),
  SUSPENDED("Suspended"),
  /** The provider may hold an attempt whose answer was lost, and cannot find it without that answer. */
  SUBMIT_OUTCOME_UNKNOWN("SubmitOutcomeUnknown"),
  /** The attempt runs on another ProviderConfig than spec.providerConfigRef now names; the next attempt moves. */
  PROVIDER_CHANGE_PENDING("ProviderChangePending"),
  /** The ProviderConfig is being deleted: it takes no new attempts. */
  PROVIDER_CONFIG_DELETING("ProviderConfigDeleting"),
  /** Deleting the job waits: an attempt's workload could not be stopped yet (the provider is unreachable...). */
  CLEANUP_BLOCKED("CleanupBlocked"),
  /** Every candidate ProviderConfig is skipped for now after a stock-out or a preemption; the job tries again. */
  NO_CAPACITY_ANYWHERE("NoCapacityAnywhere"),
  /** No candidate ProviderConfig can take the job (none matches, none allows the namespace, offers the type...). */
  NO_SUITABLE_PROVIDER("NoSuitableProvider"),
  /** The provider took the attempt's spot capacity back; the job runs again, elsewhere if it can. */
  PREEMPTED("Preempted"),
  /** The job was preempted more often than spec.maxPreemptions allows. */
  PREEMPTION_LIMIT_EXCEEDED("PreemptionLimitExceeded"),
  /** A GpuBudget that covers the job has too little left for what it may cost, or stops its running jobs. */
  BUDGET_EXCEEDED("BudgetExceeded"),
  /** A GpuBudget that covers the job limits its GPU type, and the team's jobs hold that many already. */
  GPU_QUOTA_EXCEEDED("GpuQuotaExceeded");

  private final String text;

  JobReason(String text) {
    this.text = text;
  }

  /** The reason as conditions and Events carry it: CamelCase. */
  @Override
  public String toString() {
    return text;
  }
}
