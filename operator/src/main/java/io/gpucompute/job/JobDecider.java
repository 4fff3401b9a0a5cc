package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.cost.Money;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides a GpuJob's next status and its one next action from (spec, observed provider state, clock).
 * Pure: no I/O, no clock of its own, no randomness of its own; {@code JobDeciderTest} covers it with tables.
 *
 * <p>The order that keeps a crash harmless at any moment:
 * <ol>
 *   <li>an attempt is recorded in the status before its workload is created ({@link Decision.Submit});</li>
 *   <li>when the workload ends (or the job is suspended, or its deadline passes), the outcome and cost are saved
 *       first, with no action;</li>
 *   <li>only a later decision, made from the saved status, releases the workload ({@link Decision.Release}).</li>
 * </ol>
 */
public final class JobDecider {

  /** How soon to look again when the next step needs no wait (the release after a saved outcome). */
  static final Duration AT_ONCE = Duration.ofMillis(1);

  private JobDecider() {}

  /**
   * Whether the job is ready to start an attempt as soon as the queue admits it. The reconciler asks the
   * admission queue only then, so capacity is reserved only for jobs that will really be submitted.
   */
  public static boolean wantsToStart(GpuJob job, ProviderView provider, Instant now) {
    StatusDraft draft = StatusDraft.of(job, provider, now);
    return isWaiting(draft.phase()) && !draft.holdsUnreleasedWorkload()
        && blockedBeforeAdmission(job.getSpec(), provider, draft, now).isEmpty();
  }

  /**
   * Whether the job is ready to start an attempt, whatever its candidates' state: the reconciler places it (asks the
   * candidates' queues) only then. Placement leaves out the candidates that are blocked or too dear.
   */
  public static boolean wantsToStart(GpuJob job, Instant now) {
    StatusDraft draft = StatusDraft.of(job, null, now);
    Instant retryAfter = draft.retryAfter();
    return isWaiting(draft.phase()) && !draft.holdsUnreleasedWorkload() && !job.getSpec().suspended()
        && !deadlinePassed(job.getSpec(), draft, now) && (retryAfter == null || !now.isBefore(retryAfter));
  }

  /** The next status and action. */
  public static Decision decide(JobSituation situation) {
    StatusDraft draft = StatusDraft.of(situation.job(), situation.provider(), situation.now());
    JobPhase phase = draft.phase();
    if (phase.holdsWorkload()) {
      return holdingWorkload(situation, draft);
    }
    if (draft.holdsUnreleasedWorkload()) {
      // The attempt's outcome is saved: now its workload may go.
      int attempt = draft.attemptRecord().getAttempt();
      return new Decision(draft.released().status(), new Decision.Release(attempt), afterRelease(situation, draft));
    }
    if (phase.isTerminal()) {
      return finished(situation, draft);
    }
    return waiting(situation, draft);
  }

  /**
   * The next status of a job that must stop for a reason outside its spec while it holds a workload (a GpuBudget that
   * stops running jobs): as with a suspend, its attempt's cost is settled and its deadline clock starts again, and it
   * waits, Queued with {@code reason}; the release of its workload follows. A job that holds none is decided as usual.
   */
  public static Decision stop(JobSituation situation, JobReason reason, String message) {
    StatusDraft draft = StatusDraft.of(situation.job(), situation.provider(), situation.now());
    if (!draft.phase().holdsWorkload()) {
      return decide(situation);
    }
    draft.settleAttempt().resetDeadlineClock().enter(JobPhase.Queued, reason, message + "; attempt "
        + draft.attempts() + " is stopped");
    return new Decision(draft.status(), Decision.NONE, AT_ONCE);
  }

  /**
   * The status after the provider answered the submit of attempt {@code attempt}, fed back once.
   *
   * @param situation the situation the submit was decided in; its job shows the status before the attempt was
   *     recorded
   * @param recorded the decision that recorded the attempt (its status is what was written before the submit)
   * @param outcome what the submit came to
   */
  public static Decision afterSubmit(JobSituation situation, Decision recorded, SubmitOutcome outcome) {
    int attempt = ((Decision.Submit) recorded.action()).attempt();
    // An accepted workload is next looked at by the poller's next round (WorkloadPoller), which wakes the job on
    // first seeing it; or at once where the provider tells of a change.
    if (outcome instanceof SubmitOutcome.Accepted accepted) {
      boolean byKey = situation.attemptProvider() != null ? situation.attemptProvider().findsWorkloadsByKey()
          : findsWorkloadsByKey(situation);
      if (byKey) {
        // Nothing needs the answer before the next observation, which saves it with what the provider shows then
        // (one status write instead of two): the workload is found by its key, also after a restart.
        return new Decision(recorded.status(), Decision.NONE, null);
      }
      // A provider that finds workloads by id only needs it after a restart: it is saved at once, and the workload
      // counts as seen from now on (a later "not found" means lost, not "never created").
      SubmitResult result = accepted.result();
      String message = submittedMessage(attempt, result);
      StatusDraft draft = StatusDraft.of(jobWith(situation.job(), recorded), situation.provider(), situation.now());
      draft.externalId(result.externalId()).message(message).submittedMessage(message);
      return new Decision(draft.status(), Decision.NONE, null);
    }
    if (outcome instanceof SubmitOutcome.Unknown unknown) {
      StatusDraft draft = StatusDraft.of(jobWith(situation.job(), recorded), situation.provider(), situation.now());
      return attemptFailed(situation, draft, null, JobReason.SUBMIT_OUTCOME_UNKNOWN, "the provider may have received "
          + "attempt " + attempt + ", but its answer was lost (" + unknown.message() + "), and the provider cannot "
          + "look it up without that answer; the attempt is not sent again blindly");
    }
    if (outcome instanceof SubmitOutcome.Unavailable unavailable && findsWorkloadsByKey(situation)) {
      // The workload may exist: the recorded attempt stays, and the next reconcile submits it again (the provider
      // finds what it may have created).
      return new Decision(recorded.status(), Decision.NONE, null, unavailable.cause());
    }
    // Nothing was created: the job goes on from its status before the attempt was recorded.
    StatusDraft before = StatusDraft.of(situation.job(), situation.provider(), situation.now());
    if (outcome instanceof SubmitOutcome.Unavailable unavailable) {
      return new Decision(before.status(), Decision.NONE, null, unavailable.cause());
    }
    if (outcome instanceof SubmitOutcome.NoCapacity noCapacity) {
      // The option is skipped for a while, with backoff, and the job is placed again at once: on the next candidate
      // if it has one, else it waits for the skips to expire.
      var record = recorded.status().getWorkload();
      before.skipAfterStockOut(record.getProviderConfig(), record.onSpot(), noCapacity.message(),
              situation.timing().queuedRecheck())
          .enter(JobPhase.Queued, JobReason.NO_CAPACITY, record.getProviderConfig() + (record.onSpot() ? " (spot)" : "")
              + " has no capacity for the job: " + noCapacity.message());
      return new Decision(before.status(), Decision.NONE, AT_ONCE);
    }
    SubmitOutcome.Refused refused = (SubmitOutcome.Refused) outcome;
    before.stall(JobPhase.Pending, refused.reason(), refused.message());
    return new Decision(before.status(), Decision.NONE, null);
  }

  private static String submittedMessage(int attempt, SubmitResult result) {
    return "attempt " + attempt + " submitted as " + result.externalId()
        + (result.note() == null ? "" : "; " + result.note());
  }

  private static boolean isWaiting(JobPhase phase) {
    return phase == JobPhase.Pending || phase == JobPhase.Queued || phase == JobPhase.Suspended;
  }

  private static boolean findsWorkloadsByKey(JobSituation situation) {
    return situation.provider() instanceof ProviderView.Usable usable && usable.findsWorkloadsByKey();
  }

  /** {@code job} with the status of {@code decision}: the job as it stands after that status was written. */
  private static GpuJob jobWith(GpuJob job, Decision decision) {
    GpuJob copy = new GpuJob();
    copy.setMetadata(job.getMetadata());
    copy.setSpec(job.getSpec());
    copy.setStatus(decision.status());
    return copy;
  }

  /** After a release: terminal jobs wait for their TTL; waiting jobs look again at once (they may start now). */
  private static Duration afterRelease(JobSituation situation, StatusDraft draft) {
    if (draft.phase().isTerminal()) {
      return finished(situation, draft).requeueAfter();
    }
    return AT_ONCE;
  }

  private static Decision finished(JobSituation situation, StatusDraft draft) {
    Long ttl = situation.job().getSpec().getTtlSecondsAfterFinished();
    Instant completion = draft.completionTime();
    if (ttl == null || completion == null) {
      return new Decision(draft.status(), Decision.NONE, null);
    }
    Instant expiry = completion.plusSeconds(ttl);
    if (!situation.now().isBefore(expiry)) {
      return new Decision(draft.status(), new Decision.DeleteJob(), null);
    }
    return new Decision(draft.status(), Decision.NONE, Duration.between(situation.now(), expiry));
  }

  private static Decision holdingWorkload(JobSituation situation, StatusDraft draft) {
    GpuJobSpec spec = situation.job().getSpec();
    Instant now = situation.now();
    int attempt = draft.attempts();
    JobSituation.AttemptProvider bound = situation.attemptProvider();
    if (bound != null && bound.gone()) {
      return attemptFailed(situation, draft, null, JobReason.WORKLOAD_LOST, "ProviderConfig " + bound.label()
          + ", which ran attempt " + attempt + ", was deleted, so its workload can no longer be observed");
    }
    if (spec.suspended()) {
      draft.settleAttempt().resetDeadlineClock()
          .enter(JobPhase.Suspended, JobReason.SUSPENDED, "spec.suspend is true: attempt " + attempt + " is stopped");
      return new Decision(draft.status(), Decision.NONE, AT_ONCE);
    }
    if (deadlinePassed(spec, draft, now)) {
      draft.settleAttempt().complete().enter(JobPhase.Failed, JobReason.DEADLINE_EXCEEDED, deadlineMessage(spec));
      return new Decision(draft.status(), Decision.NONE, AT_ONCE);
    }
    Observation observation = situation.observation();
    Duration poll = situation.timing().pollInterval();
    if (observation == null) {
      return new Decision(draft.status(), Decision.NONE, poll);
    }
    SubmitResult accepted = situation.acceptedHere();
    if (accepted != null && draft.externalId() == null) {
      // The submit's answer, not saved yet (see afterSubmit): it goes with this observation.
      draft.externalId(accepted.externalId()).submittedMessage(submittedMessage(attempt, accepted));
    }
    draft.externalId(observation.externalId());
    switch (observation.state()) {
      case NOT_FOUND -> {
        return notFound(situation, draft, attempt);
      }
      case PENDING -> {
        draft.logTail(observation.logTail());
        enterHolding(situation, draft, JobPhase.Submitting, JobReason.WORKLOAD_PENDING,
            orElse(observation.message(), "waiting for the provider to start attempt " + attempt));
        return new Decision(draft.status(), Decision.NONE, untilDeadline(spec, draft, now));
      }
      case RUNNING -> {
        draft.logTail(observation.logTail()).accrueRunningCost();
        enterHolding(situation, draft, JobPhase.Running, JobReason.WORKLOAD_RUNNING,
            "attempt " + attempt + " is running" + suffix(observation.message()));
        return new Decision(draft.status(), Decision.NONE, untilDeadline(spec, draft, now));
      }
      case SUCCEEDED -> {
        draft.logTail(observation.logTail()).exitCode(orElse(observation.exitCode(), 0))
            .settleAttempt(observation.startedAt(), observation.finishedAt()).complete()
            .enter(JobPhase.Succeeded, JobReason.COMPLETED, "attempt " + attempt + " exited with code 0");
        return new Decision(draft.status(), Decision.NONE, AT_ONCE);
      }
      case LOST -> {
        draft.logTail(observation.logTail());
        return attemptFailed(situation, draft, observation, JobReason.WORKLOAD_LOST,
            "attempt " + attempt + " was lost" + suffix(observation.message()));
      }
      case FAILED -> {
        draft.logTail(observation.logTail());
        return attemptFailed(situation, draft, observation, JobReason.WORKLOAD_FAILED,
            "attempt " + attempt + " failed" + suffix(observation.message()));
      }
      case PREEMPTED -> {
        draft.logTail(observation.logTail());
        return preempted(situation, draft, observation);
      }
      default -> throw new IllegalStateException("unknown workload state " + observation.state());
    }
  }

  /**
   * The provider took the attempt's capacity back (a spot reclaim, a node taken away). Not a failure: it counts in
   * status.preemptions against spec.maxPreemptions, leaves status.failures and the retry backoff alone, and the
   * option that preempted the job is skipped for a while, so the next attempt goes elsewhere where it can.
   */
  private static Decision preempted(JobSituation situation, StatusDraft draft, Observation observation) {
    GpuJobSpec spec = situation.job().getSpec();
    int attempt = draft.attempts();
    int preemptions = draft.preemptions() + 1;
    var record = draft.attemptRecord();
    String where = record.getProviderConfig() + (record.onSpot() ? " (spot)" : "");
    draft.preemptions(preemptions).settleAttempt(observation.startedAt(), observation.finishedAt());
    String what = "attempt " + attempt + " was preempted by " + where + suffix(observation.message());
    int limit = spec.effectiveMaxPreemptions();
    if (preemptions > limit) {
      draft.complete().enter(JobPhase.Failed, JobReason.PREEMPTION_LIMIT_EXCEEDED, what + "; no preemptions left "
          + "(maxPreemptions " + limit + ")");
      return new Decision(draft.status(), Decision.NONE, AT_ONCE);
    }
    draft.skipAfterPreemption(record.getProviderConfig(), record.onSpot(), observation.message(),
            situation.timing().preemptionCooldown())
        .enter(JobPhase.Queued, JobReason.PREEMPTED, what + "; running it again (preemption " + preemptions + " of "
            + limit + "), elsewhere if another candidate can take it");
    return new Decision(draft.status(), Decision.NONE, AT_ONCE);
  }

  /**
   * The provider does not show the recorded attempt's workload. Seen before (or accepted by this process): it is
   * not visible yet, or it was lost. Never seen: the operator may have stopped between the record and the create,
   * so the attempt is submitted again, which finds what was created; unless the provider cannot find workloads by
   * key, and then the outcome is unknown.
   */
  private static Decision notFound(JobSituation situation, StatusDraft draft, int attempt) {
    Duration poll = situation.timing().pollInterval();
    boolean seen = draft.externalId() != null || situation.submittedHere();
    if (seen) {
      Instant attemptStart = draft.attemptStartTime();
      boolean young = attemptStart != null
          && situation.now().isBefore(attemptStart.plus(situation.timing().submitGrace()));
      if (draft.phase() == JobPhase.Submitting && young) {
        return new Decision(draft.status(), Decision.NONE, poll);
      }
      return attemptFailed(situation, draft, null, JobReason.WORKLOAD_LOST,
          "the provider no longer knows attempt " + attempt + "'s workload");
    }
    JobSituation.AttemptProvider bound = situation.attemptProvider();
    if (bound == null || bound.findsWorkloadsByKey()) {
      return new Decision(draft.status(), new Decision.Submit(attempt), poll);
    }
    return attemptFailed(situation, draft, null, JobReason.SUBMIT_OUTCOME_UNKNOWN, "attempt " + attempt
        + " was recorded, but whether " + bound.label() + " received it is unknown (the operator stopped before it "
        + "saved the provider's answer), and the provider cannot look it up without that answer; the attempt is not "
        + "sent again blindly");
  }

  /** Enters a phase of a held workload, saying so when spec.providerConfigRef now names another ProviderConfig. */
  private static void enterHolding(JobSituation situation, StatusDraft draft, JobPhase phase, JobReason reason,
      String message) {
    String boundTo = draft.attemptRecord() == null ? null : draft.attemptRecord().getProviderConfig();
    var ref = situation.job().getSpec().getProviderConfigRef();
    String wanted = ref == null ? null : ref.getName();
    if (boundTo != null && wanted != null && !boundTo.equals(wanted)) {
      draft.enter(phase, JobReason.PROVIDER_CHANGE_PENDING, message + "; spec.providerConfigRef now names " + wanted
          + ": attempt " + draft.attempts() + " stays on " + boundTo + ", the next attempt runs on " + wanted);
      return;
    }
    draft.enter(phase, reason, message);
  }

  private static Decision attemptFailed(JobSituation situation, StatusDraft draft, Observation observation,
      JobReason reason, String what) {
    GpuJobSpec spec = situation.job().getSpec();
    Instant now = situation.now();
    int failures = draft.failures() + 1;
    draft.failures(failures).exitCode(observation == null ? null : observation.exitCode());
    if (observation == null) {
      draft.settleAttempt();
    } else {
      draft.settleAttempt(observation.startedAt(), observation.finishedAt());
    }
    int limit = spec.effectiveBackoffLimit();
    if (failures > limit) {
      draft.complete().enter(JobPhase.Failed, failureReason(reason), what + "; no retries left (backoffLimit " + limit
          + ", " + failures + " failure" + (failures == 1 ? "" : "s") + ")");
      return new Decision(draft.status(), Decision.NONE, AT_ONCE);
    }
    Duration delay = situation.timing().retryDelay(failures, situation.jitter());
    draft.retryAfter(now.plus(delay)).enter(JobPhase.Queued, JobReason.RETRY_BACKOFF,
        what + " (" + reason + "); retry " + failures + " of " + limit + " in " + delay.toSeconds() + "s");
    return new Decision(draft.status(), Decision.NONE, AT_ONCE);
  }

  /** The reason a job that failed for good shows: the failure's own, where it is more telling than the limit. */
  private static JobReason failureReason(JobReason reason) {
    return reason == JobReason.SUBMIT_OUTCOME_UNKNOWN ? reason : JobReason.BACKOFF_LIMIT_EXCEEDED;
  }

  private static Decision waiting(JobSituation situation, StatusDraft draft) {
    GpuJobSpec spec = situation.job().getSpec();
    Optional<Decision> blocked = blockedBeforeAdmission(spec, situation.provider(), draft, situation.now());
    if (blocked.isPresent()) {
      Decision decision = blocked.get();
      return decision.requeueAfter() == null ? decision
          : new Decision(decision.status(), decision.action(), soonest(decision.requeueAfter(), situation));
    }
    Duration recheck = soonest(situation.timing().queuedRecheck(), situation);
    if (situation.admission() instanceof Admission.Waiting wait) {
      if (wait.position() > 0) {
        draft.queuePosition(wait.position());
      }
      draft.enter(JobPhase.Queued, wait.reason(), wait.message());
      return new Decision(draft.status(), Decision.NONE, recheck);
    }
    if (!(situation.admission() instanceof Admission.Admitted)) {
      draft.enter(JobPhase.Pending, JobReason.ACCEPTED, "waiting for admission");
      return new Decision(draft.status(), Decision.NONE, recheck);
    }
    ProviderView.Usable provider = (ProviderView.Usable) situation.provider();
    PlacementOutcome.Choice choice = situation.choice();
    boolean spot = choice != null && choice.spot();
    int attempt = draft.attempts() + 1;
    WorkloadKey key = WorkloadSpecs.key(situation.job(), attempt);
    draft.placed(provider.name(), choice)
        .recordAttempt(attempt, key.workloadName(), provider.name(), provider.uid(), spot)
        .enter(JobPhase.Submitting, JobReason.WORKLOAD_SUBMITTED, "submitting attempt " + attempt + " to "
            + provider.label() + (spot ? " on spot capacity" : "")
            + (choice == null || choice.considered().size() < 2 ? "" : ": placed on " + choice.summary()));
    return new Decision(draft.status(), new Decision.Submit(attempt), situation.timing().pollInterval());
  }

  /**
   * Why a waiting job cannot go to the admission queue yet, as the decision to take instead; empty when it can.
   * Each check leaves the draft in the state that explains it.
   */
  private static Optional<Decision> blockedBeforeAdmission(GpuJobSpec spec, ProviderView provider, StatusDraft draft,
      Instant now) {
    if (spec.suspended()) {
      draft.enter(JobPhase.Suspended, JobReason.SUSPENDED, "spec.suspend is true");
      return Optional.of(new Decision(draft.status(), Decision.NONE, null));
    }
    if (deadlinePassed(spec, draft, now)) {
      draft.complete().enter(JobPhase.Failed, JobReason.DEADLINE_EXCEEDED, deadlineMessage(spec));
      return Optional.of(new Decision(draft.status(), Decision.NONE, ttlRequeue(spec)));
    }
    if (provider instanceof ProviderView.Blocked block) {
      if (block.stalled()) {
        draft.stall(JobPhase.Pending, block.reason(), block.message());
        return Optional.of(new Decision(draft.status(), Decision.NONE, null));
      }
      draft.enter(JobPhase.Pending, block.reason(), block.message());
      return Optional.of(new Decision(draft.status(), Decision.NONE, Duration.ofSeconds(30)));
    }
    BigDecimal limit = provider == null ? null : Money.parse(spec.getMaxPricePerHour());
    BigDecimal price = draft.pricePerHour();
    if (limit != null && price == null) {
      draft.stall(JobPhase.Pending, JobReason.PRICE_UNKNOWN, "spec.maxPricePerHour is " + spec.getMaxPricePerHour()
          + " but " + provider.label() + " has no price for " + spec.getGpu().getType()
          + "; add one to the ProviderConfig's spec.prices");
      return Optional.of(new Decision(draft.status(), Decision.NONE, null));
    }
    if (limit != null && price.compareTo(limit) > 0) {
      draft.stall(JobPhase.Pending, JobReason.PRICE_ABOVE_LIMIT, provider.label() + " offers "
          + spec.getGpu().summary() + " at " + Money.format(price) + " USD/h, above spec.maxPricePerHour "
          + spec.getMaxPricePerHour());
      return Optional.of(new Decision(draft.status(), Decision.NONE, null));
    }
    Instant retryAfter = draft.retryAfter();
    if (retryAfter != null && now.isBefore(retryAfter)) {
      if (draft.phase() != JobPhase.Queued) {
        draft.enter(JobPhase.Queued, JobReason.RETRY_BACKOFF, "retrying after " + retryAfter);
      }
      return Optional.of(new Decision(draft.status(), Decision.NONE, Duration.between(now, retryAfter)));
    }
    return Optional.empty();
  }

  /** {@code wait}, or less when an option the job skips may be tried again sooner. */
  private static Duration soonest(Duration wait, JobSituation situation) {
    Instant retryAt = situation.retryAt();
    if (retryAt == null) {
      return wait;
    }
    Duration untilRetry = Duration.between(situation.now(), retryAt);
    return untilRetry.compareTo(wait) < 0 ? (untilRetry.isNegative() ? AT_ONCE : untilRetry) : wait;
  }

  /**
   * When a job whose workload is pending or running needs deciding again without an event: at its deadline, if it
   * has one. Changes of the workload come as events: the operator polls every held workload (WorkloadPoller) and
   * wakes the job when it changed, and some providers tell at once.
   */
  private static Duration untilDeadline(GpuJobSpec spec, StatusDraft draft, Instant now) {
    Long deadline = spec.getActiveDeadlineSeconds();
    Instant start = draft.startTime();
    if (deadline == null || start == null) {
      return null;
    }
    Duration left = Duration.between(now, start.plusSeconds(deadline));
    return left.isNegative() || left.isZero() ? AT_ONCE : left;
  }

  private static boolean deadlinePassed(GpuJobSpec spec, StatusDraft draft, Instant now) {
    Long deadline = spec.getActiveDeadlineSeconds();
    Instant start = draft.startTime();
    return deadline != null && start != null && !now.isBefore(start.plusSeconds(deadline));
  }

  private static String deadlineMessage(GpuJobSpec spec) {
    return "the job ran past spec.activeDeadlineSeconds (" + spec.getActiveDeadlineSeconds() + "s)";
  }

  private static Duration ttlRequeue(GpuJobSpec spec) {
    Long ttl = spec.getTtlSecondsAfterFinished();
    return ttl == null ? null : Duration.ofSeconds(ttl);
  }

  private static <T> T orElse(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static String suffix(String message) {
    return message == null || message.isBlank() ? "" : ": " + message;
  }
}
