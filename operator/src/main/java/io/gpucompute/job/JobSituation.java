package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.SubmitResult;
import java.time.Instant;

/**
 * Everything {@link JobDecider} decides from, gathered by the reconciler.
 *
 * @param job the job as cached (spec, metadata and current status)
 * @param provider what was found of the ProviderConfig the next attempt goes to (placement's choice, or its best
 *     option while every queue is full, or a blocked view that says why no candidate is left)
 * @param attemptProvider what was found of the ProviderConfig the current attempt is bound to, while its workload is
 *     not released; null otherwise
 * @param admission the queue's answer, asked only when {@link JobDecider#wantsToStart} holds
 * @param observation the provider's view of the current attempt while the job holds a workload, else null
 * @param acceptedHere the provider's answer to the current attempt's submit when this operator process saw it accept
 *     the attempt (so a workload the provider does not show yet was created, and is merely not visible yet); null
 *     otherwise
 * @param now the clock
 * @param jitter a uniform sample in [0, 1) for retry jitter
 * @param timing the timing knobs
 * @param choice how the admitted option was chosen (spot or not, its price, the others considered); null when the job
 *     was not admitted, or has one candidate and wants no spot capacity
 * @param retryAt when an option skipped after a stock-out or preemption may be tried again, when nothing else is left;
 *     null otherwise
 */
public record JobSituation(GpuJob job, ProviderView provider, AttemptProvider attemptProvider, Admission admission,
    Observation observation, SubmitResult acceptedHere, Instant now, double jitter, JobTiming timing,
    PlacementOutcome.Choice choice, Instant retryAt) {

  /** A situation with no placement choice to record. */
  public JobSituation(GpuJob job, ProviderView provider, AttemptProvider attemptProvider, Admission admission,
      Observation observation, SubmitResult acceptedHere, Instant now, double jitter, JobTiming timing) {
    this(job, provider, attemptProvider, admission, observation, acceptedHere, now, jitter, timing, null, null);
  }

  /** Whether this operator process saw the provider accept the current attempt. */
  public boolean submittedHere() {
    return acceptedHere != null;
  }

  /**
   * The ProviderConfig an attempt is bound to, as found now.
   *
   * @param label {@code <type>/<name>}, or just the name when the ProviderConfig is gone
   * @param gone whether no ProviderConfig with the bound uid exists any more (its workloads cannot be reached)
   * @param findsWorkloadsByKey whether its adapter finds a workload from the attempt's key alone
   */
  public record AttemptProvider(String label, boolean gone, boolean findsWorkloadsByKey) {}
}
