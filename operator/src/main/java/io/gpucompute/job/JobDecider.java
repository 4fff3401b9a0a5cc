package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.cost.Money;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides a GpuJob's next status and its one next action from (spec, observed provider state, clock).
 * Pure: no I/O, no clock of its own, no randomness of its own; {@code JobDeciderTest} covers it with tables.
 */
public final class JobDecider {

  private JobDecider() {}

  /**
   * Whether the job is ready to start an attempt as soon as the queue admits it. The reconciler asks the
   * admission queue only then, so capacity is reserved only for jobs that will really be submitted.
   */
  public static boolean wantsToStart(GpuJob job, ProviderView provider, Instant now) {
    StatusDraft draft = StatusDraft.of(job, provider, now);
    return isWaiting(draft.phase()) && blockedBeforeAdmission(job.getSpec(), provider, draft, now).isEmpty();
  }

  /** The next status and action. */
  public static Decision decide(JobSituation situation) {
    StatusDraft draft = StatusDraft.of(situation.job(), situation.provider(), situation.now());
    JobPhase phase = draft.phase();
    if (phase.isTerminal()) {
      return finished(situation, draft);
    }
    if (phase.holdsWorkload()) {
      return holdingWorkload(situation, draft);
    }
    return waiting(situation, draft);
  }

  /** The status after the provider accepted attempt {@code attempt}. */
  public static Decision submitted(Decision decision, int attempt, SubmitResult result) {
    decision.status().setExternalId(result.externalId());
    String message = "attempt " + attempt + " submitted as " + result.externalId()
        + (result.note() == null ? "" : "; " + result.note());
    decision.status().setMessage(message);
    io.gpucompute.status.Conditions.find(decision.status().getConditions(), JobCondition.SUBMITTED)
        .ifPresent(c -> c.setMessage(message));
    return decision;
  }

  /**
   * The status after the provider refused to start the job: it waits for capacity, or stalls when the request
   * can never run as it is. Starts again from the job's status before the refused attempt.
   */
  public static Decision submitRefused(JobSituation situation, ProviderException refusal) {
    StatusDraft draft = StatusDraft.of(situation.job(), situation.provider(), situation.now());
    if (refusal instanceof ProviderException.NoCapacity) {
      draft.enter(JobPhase.Queued, JobReason.NO_CAPACITY, refusal.getMessage());
      return new Decision(draft.status(), Decision.NONE, situation.timing().queuedRecheck());
    }
    draft.stall(JobPhase.Pending, refusal.reason(), refusal.getMessage());
    return new Decision(draft.status(), Decision.NONE, null);
  }

  private static boolean isWaiting(JobPhase phase) {
    return phase == JobPhase.Pending || phase == JobPhase.Queued || phase == JobPhase.Suspended;
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
    Decision.Action stop = new Decision.StopWorkload(attempt);
    if (spec.suspended()) {
      draft.settleAttempt(now).resetDeadlineClock()
          .enter(JobPhase.Suspended, JobReason.SUSPENDED, "spec.suspend is true: attempt " + attempt + " was stopped");
      return new Decision(draft.status(), stop, null);
    }
    if (deadlinePassed(spec, draft, now)) {
      draft.settleAttempt(now).complete()
          .enter(JobPhase.Failed, JobReason.DEADLINE_EXCEEDED, deadlineMessage(spec));
      return new Decision(draft.status(), stop, ttlRequeue(spec));
    }
    Observation observation = situation.observation();
    Duration poll = situation.timing().pollInterval();
    if (observation == null) {
      return new Decision(draft.status(), Decision.NONE, poll);
    }
    switch (observation.state()) {
      case NOT_FOUND -> {
        Instant attemptStart = draft.attemptStartTime();
        boolean young = attemptStart != null && now.isBefore(attemptStart.plus(situation.timing().submitGrace()));
        if (draft.phase() == JobPhase.Submitting && young) {
          return new Decision(draft.status(), Decision.NONE, poll);
        }
        return attemptFailed(situation, draft, null, JobReason.WORKLOAD_LOST,
            "the provider no longer knows attempt " + attempt + "'s workload");
      }
      case PENDING -> {
        draft.logTail(observation.logTail()).enter(JobPhase.Submitting, JobReason.WORKLOAD_PENDING,
            orElse(observation.message(), "waiting for the provider to start attempt " + attempt));
        return new Decision(draft.status(), Decision.NONE, poll);
      }
      case RUNNING -> {
        draft.logTail(observation.logTail()).accrueRunningCost().enter(JobPhase.Running, JobReason.WORKLOAD_RUNNING,
            "attempt " + attempt + " is running" + suffix(observation.message()));
        return new Decision(draft.status(), Decision.NONE, poll);
      }
      case SUCCEEDED -> {
        draft.logTail(observation.logTail()).exitCode(orElse(observation.exitCode(), 0))
            .settleAttempt(observation.finishedAt()).complete()
            .enter(JobPhase.Succeeded, JobReason.COMPLETED, "attempt " + attempt + " exited with code 0");
        return new Decision(draft.status(), stop, ttlRequeue(spec));
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
      default -> throw new IllegalStateException("unknown workload state " + observation.state());
    }
  }

  private static Decision attemptFailed(JobSituation situation, StatusDraft draft, Observation observation,
      String reason, String what) {
    GpuJobSpec spec = situation.job().getSpec();
    Instant now = situation.now();
    int failures = draft.failures() + 1;
    draft.failures(failures).exitCode(observation == null ? null : observation.exitCode())
        .settleAttempt(observation == null ? now : observation.finishedAt());
    Decision.Action stop = new Decision.StopWorkload(draft.attempts());
    int limit = spec.effectiveBackoffLimit();
    if (failures > limit) {
      draft.complete().enter(JobPhase.Failed, JobReason.BACKOFF_LIMIT_EXCEEDED,
          what + "; no retries left (backoffLimit " + limit + ", " + failures + " failure" + (failures == 1 ? "" : "s") + ")");
      return new Decision(draft.status(), stop, ttlRequeue(spec));
    }
    Duration delay = situation.timing().retryDelay(failures, situation.jitter());
    draft.retryAfter(now.plus(delay)).enter(JobPhase.Queued, JobReason.RETRY_BACKOFF,
        what + " (" + reason + "); retry " + failures + " of " + limit + " in " + delay.toSeconds() + "s");
    return new Decision(draft.status(), stop, delay);
  }

  private static Decision waiting(JobSituation situation, StatusDraft draft) {
    GpuJobSpec spec = situation.job().getSpec();
    Optional<Decision> blocked = blockedBeforeAdmission(spec, situation.provider(), draft, situation.now());
    if (blocked.isPresent()) {
      return blocked.get();
    }
    if (situation.admission() instanceof Admission.Waiting wait) {
      draft.queuePosition(wait.position()).enter(JobPhase.Queued, wait.reason(), wait.message());
      return new Decision(draft.status(), Decision.NONE, situation.timing().queuedRecheck());
    }
    if (!(situation.admission() instanceof Admission.Admitted)) {
      draft.enter(JobPhase.Pending, JobReason.ACCEPTED, "waiting for admission");
      return new Decision(draft.status(), Decision.NONE, situation.timing().queuedRecheck());
    }
    int attempt = draft.attempts() + 1;
    draft.startAttempt(attempt).enter(JobPhase.Submitting, JobReason.WORKLOAD_SUBMITTED,
        "submitting attempt " + attempt + " to " + situation.provider().label());
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
    BigDecimal limit = Money.parse(spec.getMaxPricePerHour());
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
