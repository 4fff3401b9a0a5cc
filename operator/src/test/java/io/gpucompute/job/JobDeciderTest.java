package io.gpucompute.job;

import static io.gpucompute.job.TestJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.AttemptRange;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadState;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobDeciderTest {

  private static final JobTiming TIMING = new JobTiming(Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60));
  private static final ProviderView USABLE = new ProviderView.Usable("Local/local", "local", TestJobs.LOCAL_UID,
      new BigDecimal("2"), true);
  private static final Admission ADMITTED = new Admission.Admitted();

  private static Decision decide(GpuJob job, ProviderView provider, Admission admission, Observation observation, Instant now) {
    return JobDecider.decide(situation(job, provider, admission, observation, now, true));
  }

  /** The situation, with the current attempt (if it holds a workload) bound to a provider that is there. */
  private static JobSituation situation(GpuJob job, ProviderView provider, Admission admission, Observation observation,
      Instant now, boolean findsWorkloadsByKey) {
    JobSituation.AttemptProvider bound = AttemptBindings.unreleased(job).isEmpty() ? null
        : new JobSituation.AttemptProvider("Local/local", false, findsWorkloadsByKey);
    return new JobSituation(job, provider, bound, admission, observation, null, now, 0.5, TIMING);
  }

  /** {@code job} with the status of {@code decision}, as the next reconcile reads it. */
  private static GpuJob saved(GpuJob job, Decision decision) {
    job.setStatus(decision.status());
    return job;
  }

  private static Observation observed(WorkloadState state, Integer exitCode, Instant finishedAt) {
    return new Observation(state, "pid:42", exitCode, null, "line 1\nline 2\n", null, finishedAt);
  }

  private static Set<String> trueConditions(GpuJobStatus status) {
    return status.getConditions().stream().filter(c -> Conditions.TRUE.equals(c.getStatus()))
        .map(c -> c.getType()).collect(Collectors.toSet());
  }

  /** One row: a situation, and the phase, reason, action and True conditions it must lead to. */
  record Row(String name, GpuJob job, ProviderView provider, Admission admission, Observation observation, Instant now,
      JobPhase phase, JobReason reason, Class<? extends Decision.Action> action, Set<String> trueConditions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> transitions() {
    Instant later = T0.plusSeconds(600);
    return Stream.of(
        new Row("new job, admitted: submits attempt 1", TestJobs.job(), USABLE, ADMITTED, null, T0,
            JobPhase.Submitting, JobReason.WORKLOAD_SUBMITTED, Decision.Submit.class,
            Set.of(JobCondition.SUBMITTED, JobCondition.RECONCILING)),
        new Row("new job, GPUs busy: queued", TestJobs.job(), USABLE, new Admission.Waiting(2, JobReason.GPUS_BUSY, "busy"),
            null, T0, JobPhase.Queued, JobReason.GPUS_BUSY, Decision.None.class, Set.of(JobCondition.RECONCILING)),
        new Row("ProviderConfig missing: stalled", TestJobs.job(),
            new ProviderView.Blocked(null, JobReason.PROVIDER_CONFIG_NOT_FOUND.toString(), "missing", true), Admission.NOT_ASKED, null,
            T0, JobPhase.Pending, JobReason.PROVIDER_CONFIG_NOT_FOUND, Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("namespace not allowed: stalled", TestJobs.job(),
            new ProviderView.Blocked("Local/local", JobReason.NAMESPACE_NOT_ALLOWED.toString(), "no", true), Admission.NOT_ASKED, null,
            T0, JobPhase.Pending, JobReason.NAMESPACE_NOT_ALLOWED, Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("provider not ready yet: waits, not stalled", TestJobs.job(),
            new ProviderView.Blocked("Local/local", JobReason.PROVIDER_NOT_READY.toString(), "probing", false), Admission.NOT_ASKED,
            null, T0, JobPhase.Pending, JobReason.PROVIDER_NOT_READY, Decision.None.class, Set.of(JobCondition.RECONCILING)),
        new Row("price above the cap: stalled", TestJobs.job(s -> s.setMaxPricePerHour("3.99")), USABLE, ADMITTED, null,
            T0, JobPhase.Pending, JobReason.PRICE_ABOVE_LIMIT, Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("price exactly at the cap: submits", TestJobs.job(s -> s.setMaxPricePerHour("4.00")), USABLE, ADMITTED,
            null, T0, JobPhase.Submitting, JobReason.WORKLOAD_SUBMITTED, Decision.Submit.class,
            Set.of(JobCondition.SUBMITTED, JobCondition.RECONCILING)),
        new Row("cap set but no price known: stalled", TestJobs.job(s -> s.setMaxPricePerHour("1")),
            new ProviderView.Usable("Local/local", "local", TestJobs.LOCAL_UID, null, true), ADMITTED, null, T0,
            JobPhase.Pending, JobReason.PRICE_UNKNOWN,
            Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("suspended before start", TestJobs.job(s -> s.setSuspend(true)), USABLE, Admission.NOT_ASKED, null, T0,
            JobPhase.Suspended, JobReason.SUSPENDED, Decision.None.class, Set.of()),
        new Row("workload running", TestJobs.running(s -> {}, 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.RUNNING, null, null), later, JobPhase.Running, JobReason.WORKLOAD_RUNNING,
            Decision.None.class, Set.of(JobCondition.SUBMITTED, JobCondition.RUNNING, JobCondition.RECONCILING)),
        new Row("workload pending at the provider", TestJobs.running(s -> {}, 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.PENDING, null, null), later, JobPhase.Submitting, JobReason.WORKLOAD_PENDING,
            Decision.None.class, Set.of(JobCondition.SUBMITTED, JobCondition.RECONCILING)),
        new Row("workload succeeded", TestJobs.running(s -> {}, 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.SUCCEEDED, 0, later), later, JobPhase.Succeeded, JobReason.COMPLETED,
            Decision.None.class, Set.of(JobCondition.SUBMITTED, JobCondition.COMPLETE)),
        new Row("workload failed with retries left", TestJobs.running(s -> s.setBackoffLimit(2), 1, T0), USABLE,
            Admission.NOT_ASKED, observed(WorkloadState.FAILED, 3, later), later, JobPhase.Queued, JobReason.RETRY_BACKOFF,
            Decision.None.class, Set.of(JobCondition.RECONCILING)),
        new Row("workload failed, no retries left", TestJobs.running(s -> {}, 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.FAILED, 3, later), later, JobPhase.Failed, JobReason.BACKOFF_LIMIT_EXCEEDED,
            Decision.None.class, Set.of(JobCondition.SUBMITTED, JobCondition.FAILED, JobCondition.STALLED)),
        new Row("workload lost, retries left", TestJobs.running(s -> s.setBackoffLimit(1), 1, T0), USABLE,
            Admission.NOT_ASKED, observed(WorkloadState.LOST, null, null), later, JobPhase.Queued, JobReason.RETRY_BACKOFF,
            Decision.None.class, Set.of(JobCondition.RECONCILING)),
        new Row("deadline passes while running", TestJobs.running(s -> s.setActiveDeadlineSeconds(60L), 1, T0), USABLE,
            Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null), later, JobPhase.Failed,
            JobReason.DEADLINE_EXCEEDED, Decision.None.class, Set.of(JobCondition.SUBMITTED, JobCondition.FAILED, JobCondition.STALLED)),
        new Row("suspended while running", TestJobs.running(s -> s.setSuspend(true), 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.RUNNING, null, null), later, JobPhase.Suspended, JobReason.SUSPENDED,
            Decision.None.class, Set.of()),
        new Row("seen workload unknown within the grace period: not visible yet", submitting("pid:42"), USABLE,
            Admission.NOT_ASKED, Observation.notFound(), T0.plusSeconds(5), JobPhase.Submitting, null,
            Decision.None.class, null),
        new Row("seen workload unknown after the grace period: lost", submitting("pid:42"), USABLE,
            Admission.NOT_ASKED, Observation.notFound(), T0.plusSeconds(61), JobPhase.Failed,
            JobReason.BACKOFF_LIMIT_EXCEEDED, Decision.None.class,
            Set.of(JobCondition.SUBMITTED, JobCondition.FAILED, JobCondition.STALLED)),
        new Row("recorded attempt never seen (the operator stopped before its submit): submitted again",
            submitting(null), USABLE, Admission.NOT_ASKED, Observation.notFound(), T0.plusSeconds(300),
            JobPhase.Submitting, null, Decision.Submit.class, null),
        new Row("finished attempt whose outcome is saved: released", TestJobs.withStatus(TestJobs.job(), s -> {
          s.setPhase(JobPhase.Succeeded);
          s.setAttempts(1);
          s.setWorkload(new AttemptRecord(1, "gpujob-uid-1-1", "local", TestJobs.LOCAL_UID, null));
        }), USABLE, Admission.NOT_ASKED, null, later, JobPhase.Succeeded, null, Decision.Release.class, null)
    ).map(Arguments::of);
  }

  /** A job whose attempt 1 was recorded at T0 and, if {@code externalId} is set, seen at its provider. */
  private static GpuJob submitting(String externalId) {
    return TestJobs.withStatus(TestJobs.job(), s -> {
      s.setPhase(JobPhase.Submitting);
      s.setAttempts(1);
      s.setAttemptStartTime("2026-01-01T00:00:00Z");
      s.setWorkload(new AttemptRecord(1, "gpujob-uid-1-1", "local", TestJobs.LOCAL_UID, null));
      s.setExternalId(externalId);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitions")
  void decidesTheNextPhaseReasonAndAction(Row row) {
    Decision decision = decide(row.job(), row.provider(), row.admission(), row.observation(), row.now());

    assertThat(decision.status().getPhase()).isEqualTo(row.phase());
    assertThat(decision.action()).isInstanceOf(row.action());
    assertThat(decision.status().getObservedGeneration()).isEqualTo(1L);
    if (row.reason() != null) {
      assertThat(decision.status().getConditions()).anyMatch(c -> row.reason().toString().equals(c.getReason()));
    }
    if (row.trueConditions() != null) {
      assertThat(trueConditions(decision.status())).isEqualTo(row.trueConditions());
    }
  }

  @Test
  void startingAnAttemptRecordsItBeforeAnythingIsCreated() {
    Decision decision = decide(TestJobs.job(), USABLE, ADMITTED, null, T0);

    assertThat(decision.action()).isEqualTo(new Decision.Submit(1));
    assertThat(decision.status().getAttempts()).isEqualTo(1);
    assertThat(decision.status().getWorkload())
        .isEqualTo(new AttemptRecord(1, "gpujob-uid-1-1", "local", TestJobs.LOCAL_UID, null));
    assertThat(decision.status().getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(decision.status().getAttemptStartTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(decision.status().getPricePerHour()).isEqualTo("4");
    assertThat(decision.status().getAccruedCost()).isEqualTo("0.000000");
    assertThat(decision.status().getGpu()).isEqualTo("A100x2");
    assertThat(decision.status().getProvider()).isEqualTo("Local/local");
  }

  static Stream<Arguments> submitOutcomes() {
    ProviderException.Transient timeout = new ProviderException.Transient("RunPodTimeout", "no answer", null);
    return Stream.of(
        Arguments.of("accepted by a provider that finds workloads by key: its id waits for the next observation",
            true, new SubmitOutcome.Accepted(new SubmitResult("pid:7", null)), JobPhase.Submitting, 1, null, false,
            null),
        Arguments.of("accepted by a provider that finds requests by id only: the id is saved at once", false,
            new SubmitOutcome.Accepted(new SubmitResult("req-7", null)), JobPhase.Submitting, 1, "req-7", false, null),
        Arguments.of("no capacity: back to the queue, the attempt not counted", true,
            new SubmitOutcome.NoCapacity("0 of 2 A100 free"), JobPhase.Queued, null, null, false,
            JobReason.NO_CAPACITY.toString()),
        Arguments.of("an impossible request: stalled, the attempt not counted", true,
            new SubmitOutcome.Refused("UnknownGpuType", "no H800 here"), JobPhase.Pending, null, null, false,
            "UnknownGpuType"),
        Arguments.of("unavailable where workloads are found by key: the record stays for the next submit", true,
            new SubmitOutcome.Unavailable(timeout), JobPhase.Submitting, 1, null, true, null),
        Arguments.of("unavailable where nothing was sent: the attempt not counted", false,
            new SubmitOutcome.Unavailable(timeout), JobPhase.Pending, null, null, true, null),
        Arguments.of("outcome unknown: the attempt ends, never sent again blindly", false,
            new SubmitOutcome.Unknown("read timed out"), JobPhase.Failed, 1, null, false,
            JobReason.SUBMIT_OUTCOME_UNKNOWN.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("submitOutcomes")
  void theOutcomeOfASubmitIsFedBackOnce(String name, boolean findsByKey, SubmitOutcome outcome, JobPhase phase,
      Integer attempts, String externalId, boolean retried, String reason) {
    ProviderView provider = new ProviderView.Usable("RunPod/runpod", "runpod", "pc-uid-runpod", new BigDecimal("2"),
        findsByKey);
    JobSituation situation = situation(TestJobs.job(), provider, ADMITTED, null, T0, findsByKey);
    Decision recorded = JobDecider.decide(situation);

    Decision after = JobDecider.afterSubmit(situation, recorded, outcome);

    assertThat(after.status().getPhase()).isEqualTo(phase);
    assertThat(after.status().getAttempts()).isEqualTo(attempts);
    assertThat(after.status().getExternalId()).isEqualTo(externalId);
    assertThat(after.action()).isInstanceOf(Decision.None.class);
    assertThat(after.failure() != null).as("failure reported for a retry").isEqualTo(retried);
    if (reason != null) {
      assertThat(after.status().getConditions()).anyMatch(c -> reason.equals(c.getReason()));
    }
    if (outcome instanceof SubmitOutcome.Accepted) {
      assertThat(after.requeueAfter()).as("the poller's next round wakes the job when it sees the workload").isNull();
    }
    if (outcome instanceof SubmitOutcome.Accepted accepted && !findsByKey) {
      assertThat(Conditions.find(after.status().getConditions(), JobCondition.SUBMITTED).orElseThrow().getMessage())
          .isEqualTo("attempt 1 submitted as " + accepted.result().externalId());
    }
  }

  @Test
  void theAnswerOfASubmitByKeyIsRecordedOnce() throws Exception {
    JobSituation situation = situation(TestJobs.job(), USABLE, ADMITTED, null, T0, true);
    Decision recorded = JobDecider.decide(situation);
    Decision answered = JobDecider.afterSubmit(situation, recorded,
        new SubmitOutcome.Accepted(new SubmitResult("pid:42", "runs on the host")));
    GpuJob saved = saved(TestJobs.job(), answered);

    Decision observed = JobDecider.decide(new JobSituation(saved, USABLE,
        new JobSituation.AttemptProvider("Local/local", false, true), Admission.NOT_ASKED,
        observed(WorkloadState.SUCCEEDED, 0, T0.plusSeconds(1)), new SubmitResult("pid:42", "runs on the host"),
        T0.plusSeconds(1), 0.5, TIMING));

    assertThat(answered.status()).as("nothing to write right after the submit").isEqualTo(recorded.status());
    assertThat(observed.status().getPhase()).isEqualTo(JobPhase.Succeeded);
    assertThat(observed.status().getExternalId()).isEqualTo("pid:42");
    assertThat(Conditions.find(observed.status().getConditions(), JobCondition.SUBMITTED).orElseThrow().getMessage())
        .isEqualTo("attempt 1 submitted as pid:42; runs on the host");
  }

  @Test
  void aSucceededJobKeepsItsExitCodeLogsAndExactCost() {
    Instant end = T0.plusSeconds(90);
    Decision decision = decide(TestJobs.running(s -> {}, 1, T0), USABLE, Admission.NOT_ASKED,
        observed(WorkloadState.SUCCEEDED, 0, end), end.plusSeconds(5));

    GpuJobStatus status = decision.status();
    assertThat(status.getExitCode()).isZero();
    assertThat(status.getLogTail()).isEqualTo("line 1\nline 2\n");
    // 4 USD/h for the 90 s the process ran, not the 95 s until the operator noticed.
    assertThat(status.getAccruedCost()).isEqualTo("0.100000");
    assertThat(status.getCompletionTime()).isEqualTo("2026-01-01T00:01:35Z");
  }

  @Test
  void aRunningJobAccruesCostInWholeMinutes() {
    GpuJob job = TestJobs.running(s -> {}, 1, T0);
    Observation running = observed(WorkloadState.RUNNING, null, null);

    assertThat(decide(job, USABLE, Admission.NOT_ASKED, running, T0.plusSeconds(59)).status().getAccruedCost())
        .isEqualTo("0.000000");
    assertThat(decide(job, USABLE, Admission.NOT_ASKED, running, T0.plusSeconds(150)).status().getAccruedCost())
        .isEqualTo("0.133333");
  }

  @Test
  void anUnchangedSituationGivesAnEqualStatusSoNothingIsPatched() {
    GpuJob job = TestJobs.running(s -> {}, 1, T0);
    Observation running = observed(WorkloadState.RUNNING, null, null);
    job.setStatus(decide(job, USABLE, Admission.NOT_ASKED, running, T0.plusSeconds(1)).status());

    Decision again = decide(job, USABLE, Admission.NOT_ASKED, running, T0.plusSeconds(40));

    assertThat(again.status()).isEqualTo(job.getStatus());
  }

  @Test
  void aConditionKeepsItsTransitionTimeUntilItFlips() {
    GpuJob job = TestJobs.running(s -> {}, 1, T0);
    job.setStatus(decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null), T0).status());
    String runningSince = Conditions.find(job.getStatus().getConditions(), JobCondition.RUNNING).orElseThrow()
        .getLastTransitionTime();

    Instant end = T0.plusSeconds(300);
    GpuJobStatus done = decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.SUCCEEDED, 0, end), end).status();

    assertThat(runningSince).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(Conditions.find(done.getConditions(), JobCondition.RUNNING).orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-01-01T00:05:00Z");
    assertThat(Conditions.find(done.getConditions(), JobCondition.SUBMITTED).orElseThrow().getLastTransitionTime())
        .isEqualTo(Conditions.find(job.getStatus().getConditions(), JobCondition.SUBMITTED).orElseThrow()
            .getLastTransitionTime());
  }

  @Test
  void aFailedAttemptWaitsForItsBackoffThenStartsTheNextAttempt() {
    Instant failedAt = T0.plusSeconds(100);
    GpuJob job = TestJobs.running(s -> s.setBackoffLimit(3), 1, T0);
    job.setStatus(decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.FAILED, 1, failedAt), failedAt).status());
    Instant retryAfter = Instant.parse(job.getStatus().getRetryAfter());

    assertThat(job.getStatus().getFailures()).isEqualTo(1);
    // Status times have whole seconds, so the recorded retry time is the delay truncated to a second.
    assertThat(Duration.between(failedAt, retryAfter)).isEqualTo(Duration.ofSeconds(TIMING.retryDelay(1, 0.5).toSeconds()));
    assertThat(JobDecider.wantsToStart(job, USABLE, failedAt)).as("not before its workload is released").isFalse();
    Decision release = decide(job, USABLE, Admission.NOT_ASKED, null, failedAt);
    assertThat(release.action()).isEqualTo(new Decision.Release(1));
    saved(job, release);
    assertThat(JobDecider.wantsToStart(job, USABLE, retryAfter.minusSeconds(1))).isFalse();
    Decision waiting = decide(job, USABLE, Admission.NOT_ASKED, null, retryAfter.minusSeconds(1));
    assertThat(waiting.action()).isInstanceOf(Decision.None.class);
    assertThat(waiting.requeueAfter()).isEqualTo(Duration.ofSeconds(1));

    assertThat(JobDecider.wantsToStart(job, USABLE, retryAfter)).isTrue();
    Decision next = decide(job, USABLE, ADMITTED, null, retryAfter);
    assertThat(next.action()).isEqualTo(new Decision.Submit(2));
    assertThat(next.status().getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void aJobFailsAfterBackoffLimitPlusOneAttemptsEachReleasedBeforeTheNext() {
    GpuJob job = TestJobs.job(s -> s.setBackoffLimit(2));
    Instant now = T0;
    int attempts = 0;
    while (job.getStatus() == null || !job.getStatus().getPhase().isTerminal()) {
      Decision start = decide(job, USABLE, ADMITTED, null, now);
      assertThat(start.action()).isInstanceOf(Decision.Submit.class);
      attempts++;
      saved(job, start);
      now = now.plusSeconds(30);
      Decision failed = decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.FAILED, 1, now), now);
      assertThat(failed.action()).as("the outcome is saved before anything is released").isEqualTo(Decision.NONE);
      saved(job, failed);
      Decision release = decide(job, USABLE, ADMITTED, null, now);
      assertThat(release.action()).isEqualTo(new Decision.Release(attempts));
      assertThat(release.status().getWorkload().isReleased()).isTrue();
      saved(job, release);
      if (failed.status().getRetryAfter() != null) {
        now = Instant.parse(failed.status().getRetryAfter());
      }
    }
    assertThat(attempts).isEqualTo(3);
    assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Failed);
    assertThat(job.getStatus().getFailures()).isEqualTo(3);
    assertThat(job.getStatus().getExitCode()).isEqualTo(1);
    assertThat(job.getStatus().getAccruedCost()).isEqualTo("0.100000");
  }

  @Test
  void aSuspendedRunningJobStopsWithoutCountingAFailureAndResumesWithANewAttempt() {
    GpuJob job = TestJobs.running(s -> s.setSuspend(true), 1, T0);
    Decision suspended = decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null),
        T0.plusSeconds(60));
    assertThat(suspended.action()).isEqualTo(Decision.NONE);
    saved(job, suspended);
    assertThat(job.getStatus().getFailures()).isNull();
    assertThat(job.getStatus().getStartTime()).isNull();
    assertThat(decide(job, USABLE, Admission.NOT_ASKED, null, T0.plusSeconds(61)).action())
        .isEqualTo(new Decision.Release(1));
    saved(job, decide(job, USABLE, Admission.NOT_ASKED, null, T0.plusSeconds(61)));

    job.getSpec().setSuspend(false);
    Decision resumed = decide(job, USABLE, ADMITTED, null, T0.plusSeconds(120));

    assertThat(resumed.action()).isEqualTo(new Decision.Submit(2));
    assertThat(resumed.status().getAccruedCost()).isEqualTo("0.066667");
  }

  @Test
  void aWorkloadThatFinishedWhileTheOperatorWasDownIsBilledFromTheProvidersOwnTimes() {
    // Recorded at T0; the provider started it 10 s later and it ended at 20 minutes; the operator saw it at 2 h.
    GpuJob job = submitting(null);
    job.getStatus().setPricePerHour("4");
    Observation ended = new Observation(WorkloadState.SUCCEEDED, "pid:42", 0, null, null, T0.plusSeconds(10),
        T0.plusSeconds(1210));

    Decision decision = decide(job, USABLE, Admission.NOT_ASKED, ended, T0.plusSeconds(7200));

    assertThat(decision.status().getPhase()).isEqualTo(JobPhase.Succeeded);
    assertThat(decision.status().getAccruedCost()).isEqualTo("1.333333");
    assertThat(decision.status().getExternalId()).isEqualTo("pid:42");
  }

  @Test
  void aChangeOfProviderConfigRefTakesEffectWithTheNextAttemptOnly() {
    GpuJob job = TestJobs.running(s -> s.setBackoffLimit(1), 1, T0);
    job.getStatus().setProvider("Local/local");
    job.getSpec().getProviderConfigRef().setName("other");
    ProviderView other = new ProviderView.Usable("Local/other", "other", "pc-uid-other", new BigDecimal("3"), true);

    Decision running = decide(job, other, Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null),
        T0.plusSeconds(10));
    assertThat(running.status().getProvider()).as("the attempt's own provider").isEqualTo("Local/local");
    assertThat(Conditions.find(running.status().getConditions(), JobCondition.RUNNING).orElseThrow().getReason())
        .isEqualTo(JobReason.PROVIDER_CHANGE_PENDING.toString());
    saved(job, decide(job, other, Admission.NOT_ASKED, observed(WorkloadState.FAILED, 1, T0.plusSeconds(20)),
        T0.plusSeconds(20)));
    Decision release = decide(job, other, Admission.NOT_ASKED, null, T0.plusSeconds(20));
    assertThat(release.action()).isEqualTo(new Decision.Release(1));
    assertThat(release.status().getWorkload().getProviderConfigUid()).isEqualTo(TestJobs.LOCAL_UID);
    saved(job, release);

    Decision next = decide(job, other, ADMITTED, null, Instant.parse(job.getStatus().getRetryAfter()));

    assertThat(next.action()).isEqualTo(new Decision.Submit(2));
    assertThat(next.status().getWorkload())
        .isEqualTo(new AttemptRecord(2, "gpujob-uid-1-2", "other", "pc-uid-other", null));
    assertThat(next.status().getEarlierAttempts())
        .containsExactly(new AttemptRange(1, 1, "local", TestJobs.LOCAL_UID));
    assertThat(next.status().getProvider()).isEqualTo("Local/other");
  }

  @Test
  void anAttemptWhoseProviderConfigIsGoneIsLost() {
    GpuJob job = TestJobs.running(s -> {}, 1, T0);
    JobSituation situation = new JobSituation(job, USABLE, new JobSituation.AttemptProvider("local", true, true),
        Admission.NOT_ASKED, null, null, T0.plusSeconds(30), 0.5, TIMING);

    Decision decision = JobDecider.decide(situation);

    assertThat(decision.status().getPhase()).isEqualTo(JobPhase.Failed);
    assertThat(decision.status().getMessage()).contains("ProviderConfig local").contains("was deleted");
  }

  @Test
  void aRecordedAttemptThatAProviderCannotFindByKeyEndsAsUnknownInsteadOfBeingSentAgain() {
    GpuJob job = submitting(null);
    JobSituation situation = situation(job, USABLE, Admission.NOT_ASKED, Observation.notFound(), T0.plusSeconds(5),
        false);

    Decision decision = JobDecider.decide(situation);

    assertThat(decision.action()).isEqualTo(Decision.NONE);
    assertThat(decision.status().getPhase()).isEqualTo(JobPhase.Failed);
    assertThat(Conditions.find(decision.status().getConditions(), JobCondition.FAILED).orElseThrow().getReason())
        .isEqualTo(JobReason.SUBMIT_OUTCOME_UNKNOWN.toString());
  }

  @Test
  void aJobThisProcessSubmittedIsWaitedForWhileTheProviderDoesNotShowItYet() {
    JobSituation situation = new JobSituation(submitting(null), USABLE,
        new JobSituation.AttemptProvider("Local/local", false, true), Admission.NOT_ASKED, Observation.notFound(),
        new SubmitResult("pid:7", null), T0.plusSeconds(5), 0.5, TIMING);

    assertThat(JobDecider.decide(situation).action()).isEqualTo(Decision.NONE);
  }

  @Test
  void aFinishedJobIsDeletedOnceItsTtlPasses() {
    GpuJob job = TestJobs.withStatus(TestJobs.job(s -> s.setTtlSecondsAfterFinished(60L)), s -> {
      s.setPhase(JobPhase.Succeeded);
      s.setCompletionTime("2026-01-01T00:00:00Z");
    });

    Decision early = decide(job, USABLE, Admission.NOT_ASKED, null, T0.plusSeconds(20));
    Decision due = decide(job, USABLE, Admission.NOT_ASKED, null, T0.plusSeconds(60));

    assertThat(early.action()).isInstanceOf(Decision.None.class);
    assertThat(early.requeueAfter()).isEqualTo(Duration.ofSeconds(40));
    assertThat(due.action()).isInstanceOf(Decision.DeleteJob.class);
  }

  @Test
  void theCostEstimateIsThePriceOverTheDeadlineForEveryAllowedAttempt() {
    Decision decision = decide(TestJobs.job(s -> {
      s.setActiveDeadlineSeconds(1800L);
      s.setBackoffLimit(1);
    }), USABLE, ADMITTED, null, T0);

    assertThat(decision.status().getEstimatedCost()).isEqualTo("4.000000");
  }

  static Stream<Arguments> retryDelays() {
    return Stream.of(
        Arguments.of(1, 0.0, Duration.ofSeconds(5)),
        Arguments.of(1, 0.999, Duration.ofMillis(9995)),
        Arguments.of(2, 0.0, Duration.ofSeconds(10)),
        Arguments.of(3, 0.5, Duration.ofSeconds(30)),
        Arguments.of(10, 0.0, Duration.ofSeconds(150)),
        Arguments.of(60, 0.999, Duration.ofMillis(299_850)));
  }

  @ParameterizedTest(name = "failure {0}, jitter {1} -> {2}")
  @MethodSource("retryDelays")
  void retryDelaysGrowExponentiallyWithEqualJitterUpToTheCap(int failures, double jitter, Duration expected) {
    assertThat(TIMING.retryDelay(failures, jitter)).isEqualTo(expected);
  }

  @Test
  void listsOfConditionsNeverHoldATypeTwice() {
    GpuJob job = TestJobs.running(s -> {}, 1, T0);
    List<String> types = decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null), T0)
        .status().getConditions().stream().map(c -> c.getType()).toList();
    assertThat(types).doesNotHaveDuplicates();
  }
}
