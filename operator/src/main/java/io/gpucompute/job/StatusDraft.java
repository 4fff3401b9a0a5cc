package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Condition;
import io.gpucompute.api.v1alpha1.AttemptRange;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.PlacementStatus;
import io.gpucompute.cost.Money;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.StatusCopies;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A copy of a job's status being turned into the next one. {@link #enter} sets the phase together with the
 * conditions that follow from it, so the two never disagree.
 */
final class StatusDraft {

  private static final Duration COST_GRANULARITY = Duration.ofMinutes(1);

  private final GpuJobSpec spec;
  private final GpuJobStatus status;
  private final Long generation;
  private final Instant now;

  private StatusDraft(GpuJob job, GpuJobStatus status, Instant now) {
    this.spec = job.getSpec();
    this.status = status;
    this.generation = job.getMetadata().getGeneration();
    this.now = now;
  }

  /** A draft from the job's current status, with the facts every status carries brought up to date. */
  static StatusDraft of(GpuJob job, ProviderView provider, Instant now) {
    GpuJobStatus copy = job.getStatus() == null ? new GpuJobStatus() : StatusCopies.deepCopy(job.getStatus());
    StatusDraft draft = new StatusDraft(job, copy, now);
    copy.setObservedGeneration(draft.generation);
    copy.setGpu(job.getSpec().getGpu().summary());
    if (copy.getPhase() == null) {
      copy.setPhase(JobPhase.Pending);
    }
    // While an attempt holds a workload, the status shows the provider it runs on and the price it started at; a
    // change of spec.providerConfigRef shows from the next attempt on.
    boolean holding = draft.holdsUnreleasedWorkload();
    if (!holding && provider != null && provider.label() != null) {
      copy.setProvider(provider.label());
    }
    if (!holding && provider instanceof ProviderView.Usable usable && !copy.getPhase().isTerminal()) {
      draft.price(usable.pricePerGpuHour());
    }
    return draft;
  }

  GpuJobStatus status() {
    return status;
  }

  JobPhase phase() {
    return status.getPhase();
  }

  int attempts() {
    return status.getAttempts() == null ? 0 : status.getAttempts();
  }

  int failures() {
    return status.getFailures() == null ? 0 : status.getFailures();
  }

  Instant startTime() {
    return Timestamps.parse(status.getStartTime());
  }

  Instant attemptStartTime() {
    return Timestamps.parse(status.getAttemptStartTime());
  }

  Instant retryAfter() {
    return Timestamps.parse(status.getRetryAfter());
  }

  Instant completionTime() {
    return Timestamps.parse(status.getCompletionTime());
  }

  BigDecimal pricePerHour() {
    return Money.parse(status.getPricePerHour());
  }

  /** Sets the job's hourly price from the per-GPU price, and the cost estimate that follows. */
  private void price(BigDecimal pricePerGpuHour) {
    if (pricePerGpuHour == null) {
      status.setPricePerHour(null);
      status.setEstimatedCost(null);
      return;
    }
    BigDecimal perHour = pricePerGpuHour.multiply(BigDecimal.valueOf(spec.getGpu().getCount()));
    status.setPricePerHour(Money.format(perHour));
    Long deadline = spec.getActiveDeadlineSeconds();
    status.setEstimatedCost(deadline == null ? null : Money.formatCost(
        Money.costOf(perHour, Duration.ofSeconds(deadline)).multiply(BigDecimal.valueOf(spec.effectiveBackoffLimit() + 1L))));
  }

  /** Sets the phase, its reason and message, and the conditions that follow from them. */
  StatusDraft enter(JobPhase phase, JobReason reason, String message) {
    return set(phase, reason.toString(), message, false);
  }

  /** Like {@link #enter(JobPhase, JobReason, String)}, with a reason of a provider or a ProviderConfig. */
  StatusDraft enter(JobPhase phase, String reason, String message) {
    return set(phase, reason, message, false);
  }

  /** Like {@link #enter}, and marks the job Stalled: it cannot progress until someone changes something. */
  StatusDraft stall(JobPhase phase, JobReason reason, String message) {
    return set(phase, reason.toString(), message, true);
  }

  /** Like {@link #stall(JobPhase, JobReason, String)}, with a reason of a provider or a ProviderConfig. */
  StatusDraft stall(JobPhase phase, String reason, String message) {
    return set(phase, reason, message, true);
  }

  private StatusDraft set(JobPhase phase, String reason, String message, boolean stalled) {
    status.setPhase(phase);
    status.setMessage(message);
    if (phase != JobPhase.Queued) {
      status.setQueuePosition(null);
    }
    List<Condition> conditions = status.getConditions();
    boolean submitted = phase.holdsWorkload() || (phase.isTerminal() && attempts() > 0);
    if (!(submitted && Conditions.isTrue(conditions, JobCondition.SUBMITTED))) {
      conditions = Conditions.with(conditions, JobCondition.SUBMITTED, submitted,
          submitted ? JobReason.WORKLOAD_SUBMITTED.toString() : reason, message, generation, now);
    }
    // Every condition type is always present, in one order, so a reader never has to tell "absent" from
    // "False", and a status update replaces values rather than reshaping the list.
    conditions = Conditions.with(conditions, JobCondition.RUNNING, phase == JobPhase.Running, reason, message, generation, now);
    conditions = Conditions.with(conditions, JobCondition.COMPLETE, phase == JobPhase.Succeeded, reason, message, generation, now);
    conditions = Conditions.with(conditions, JobCondition.FAILED, phase == JobPhase.Failed, reason, message, generation, now);
    boolean reconciling = !stalled && !phase.isTerminal() && phase != JobPhase.Suspended;
    conditions = Conditions.with(conditions, JobCondition.RECONCILING, reconciling, reason, message, generation, now);
    // kstatus reads Stalled=True as "failed"; without it a Failed job would look Current (healthy) to Flux.
    conditions = Conditions.with(conditions, JobCondition.STALLED, stalled || phase == JobPhase.Failed, reason, message,
        generation, now);
    status.setConditions(conditions);
    return this;
  }

  /** Sets the status's message, without changing the phase or the conditions. */
  StatusDraft message(String message) {
    status.setMessage(message);
    return this;
  }

  /** Sets the Submitted condition's message, which then stays while the attempt lives. */
  StatusDraft submittedMessage(String message) {
    Conditions.find(status.getConditions(), JobCondition.SUBMITTED).ifPresent(c -> c.setMessage(message));
    return this;
  }

  /** The record of the current or last attempt, or null before the first. */
  AttemptRecord attemptRecord() {
    return status.getWorkload();
  }

  /** Whether an attempt's workload exists (or may exist) and has not been released yet. */
  boolean holdsUnreleasedWorkload() {
    return status.getWorkload() != null && !status.getWorkload().isReleased();
  }

  String externalId() {
    return status.getExternalId();
  }

  /**
   * Records attempt {@code attempt} on the ProviderConfig {@code providerConfig} (uid {@code uid}), on spot capacity
   * or not, to be written before its workload is created. Attempts that ran on another ProviderConfig before are kept
   * in earlierAttempts.
   */
  StatusDraft recordAttempt(int attempt, String workloadName, String providerConfig, String uid, boolean spot) {
    AttemptRecord previous = status.getWorkload();
    if (previous != null && previous.getAttempt() != null && !uid.equals(previous.getProviderConfigUid())) {
      List<AttemptRange> earlier = status.getEarlierAttempts() == null ? new java.util.ArrayList<>()
          : new java.util.ArrayList<>(status.getEarlierAttempts());
      int first = earlier.isEmpty() ? 1 : earlier.get(earlier.size() - 1).getLastAttempt() + 1;
      earlier.add(new AttemptRange(first, previous.getAttempt(), previous.getProviderConfig(),
          previous.getProviderConfigUid()));
      status.setEarlierAttempts(earlier);
    }
    status.setWorkload(new AttemptRecord(attempt, workloadName, providerConfig, uid, null, spot ? Boolean.TRUE : null));
    return startAttempt(attempt);
  }

  /** Shows where the attempt about to be recorded was placed, keeping the skips. */
  StatusDraft placed(String providerConfig, PlacementOutcome.Choice choice) {
    PlacementStatus placement = placement();
    placement.setProviderConfig(providerConfig);
    placement.setSpot(choice != null && choice.spot() ? Boolean.TRUE : null);
    placement.setPricePerHour(choice == null || choice.pricePerHour() == null ? status.getPricePerHour()
        : Money.format(choice.pricePerHour()));
    placement.setMessage(choice == null ? null : choice.summary());
    placement.setCandidates(choice == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(choice.considered()));
    placement.setSkips(PlacementSkips.pruned(placement.getSkips(), now));
    return this;
  }

  /** Skips {@code providerConfig}'s option (spot or on demand) after a stock-out there, with backoff. */
  StatusDraft skipAfterStockOut(String providerConfig, boolean spot, String message, Duration base) {
    PlacementStatus placement = placement();
    placement.setSkips(PlacementSkips.noCapacity(placement.getSkips(), providerConfig, spot, shortened(message), base,
        now));
    return this;
  }

  /** Skips {@code providerConfig}'s option (spot or on demand) for {@code cooldown} after it preempted the job. */
  StatusDraft skipAfterPreemption(String providerConfig, boolean spot, String message, Duration cooldown) {
    PlacementStatus placement = placement();
    placement.setSkips(PlacementSkips.preempted(placement.getSkips(), providerConfig, spot, shortened(message),
        cooldown, now));
    return this;
  }

  private static String shortened(String message) {
    return message == null || message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }

  int preemptions() {
    return status.getPreemptions() == null ? 0 : status.getPreemptions();
  }

  StatusDraft preemptions(int preemptions) {
    status.setPreemptions(preemptions);
    return this;
  }

  private PlacementStatus placement() {
    if (status.getPlacement() == null) {
      status.setPlacement(new PlacementStatus());
    }
    return status.getPlacement();
  }

  /** Marks the current attempt's workload released. */
  StatusDraft released() {
    AttemptRecord record = status.getWorkload();
    status.setWorkload(new AttemptRecord(record.getAttempt(), record.getWorkload(), record.getProviderConfig(),
        record.getProviderConfigUid(), true, record.getSpot()));
    return this;
  }

  /** The provider's id of the current attempt's workload, once known. */
  StatusDraft externalId(String externalId) {
    if (externalId != null) {
      status.setExternalId(externalId);
    }
    return this;
  }

  /** Starts attempt {@code attempt} now. */
  private StatusDraft startAttempt(int attempt) {
    status.setAttempts(attempt);
    if (status.getStartTime() == null) {
      status.setStartTime(Timestamps.format(now));
    }
    status.setAttemptStartTime(Timestamps.format(now));
    status.setRetryAfter(null);
    status.setQueuePosition(null);
    status.setExternalId(null);
    if (status.getSettledCost() == null && status.getPricePerHour() != null) {
      status.setSettledCost(Money.formatTotal(BigDecimal.ZERO));
      status.setAccruedCost(Money.formatCost(BigDecimal.ZERO));
    }
    return this;
  }

  /** Records the running attempt's cost so far, in whole minutes so a running job is not rewritten every poll. */
  StatusDraft accrueRunningCost() {
    BigDecimal perHour = pricePerHour();
    Instant attemptStart = attemptStartTime();
    if (perHour == null || attemptStart == null) {
      return this;
    }
    long minutes = Duration.between(attemptStart, now).toMinutes();
    BigDecimal settled = Money.parse(status.getSettledCost());
    BigDecimal running = Money.costOf(perHour, COST_GRANULARITY.multipliedBy(minutes));
    status.setAccruedCost(Money.formatCost((settled == null ? BigDecimal.ZERO : settled).add(running)));
    return this;
  }

  /** Ends the current attempt's billing now and folds its cost into the settled cost. */
  StatusDraft settleAttempt() {
    return settleAttempt(null, null);
  }

  /**
   * Ends the current attempt's billing and folds its cost into the settled cost. The attempt is billed from the
   * provider's own start and end times where it reports them ({@code started}, {@code ended}), else from the record
   * of the attempt and now: a workload that ran while the operator was down is billed for that time too.
   */
  StatusDraft settleAttempt(Instant started, Instant ended) {
    BigDecimal perHour = pricePerHour();
    Instant recorded = attemptStartTime();
    Instant start = started != null ? started : recorded;
    if (perHour != null && start != null) {
      Instant stop = ended == null || ended.isAfter(now) ? now : ended;
      Duration billed = stop.isBefore(start) ? Duration.ZERO : Duration.between(start, stop);
      BigDecimal settled = Money.parse(status.getSettledCost());
      BigDecimal total = (settled == null ? BigDecimal.ZERO : settled).add(Money.costOf(perHour, billed));
      status.setSettledCost(Money.formatTotal(total));
      status.setAccruedCost(Money.formatCost(total));
    }
    status.setAttemptStartTime(null);
    return this;
  }

  StatusDraft failures(int failures) {
    status.setFailures(failures);
    return this;
  }

  StatusDraft exitCode(Integer exitCode) {
    status.setExitCode(exitCode);
    return this;
  }

  /**
   * Records the provider's log tail. Null means the provider cannot show logs, and keeps what was there; an
   * empty tail (nothing printed yet) is left out of the status, since the API server turns "" into null.
   */
  StatusDraft logTail(String logTail) {
    if (logTail != null) {
      status.setLogTail(logTail.isEmpty() ? null : logTail);
    }
    return this;
  }

  StatusDraft complete() {
    status.setCompletionTime(Timestamps.format(now));
    status.setRetryAfter(null);
    return this;
  }

  StatusDraft retryAfter(Instant when) {
    status.setRetryAfter(Timestamps.format(when));
    return this;
  }

  StatusDraft queuePosition(int position) {
    status.setQueuePosition(position);
    return this;
  }

  StatusDraft resetDeadlineClock() {
    status.setStartTime(null);
    return this;
  }
}
