package io.gpucompute.job;

import static io.gpucompute.job.TestJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

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
  private static final ProviderView USABLE = new ProviderView.Usable("Local/local", new BigDecimal("2"));
  private static final Admission ADMITTED = new Admission.Admitted();

  private static Decision decide(GpuJob job, ProviderView provider, Admission admission, Observation observation, Instant now) {
    return JobDecider.decide(new JobSituation(job, provider, admission, observation, now, 0.5, TIMING));
  }

  private static Observation observed(WorkloadState state, Integer exitCode, Instant finishedAt) {
    return new Observation(state, "pid:42", exitCode, null, "line 1\nline 2\n", T0, finishedAt);
  }

  private static Set<String> trueConditions(GpuJobStatus status) {
    return status.getConditions().stream().filter(c -> Conditions.TRUE.equals(c.getStatus()))
        .map(c -> c.getType()).collect(Collectors.toSet());
  }

  /** One row: a situation, and the phase, reason, action and True conditions it must lead to. */
  record Row(String name, GpuJob job, ProviderView provider, Admission admission, Observation observation, Instant now,
      JobPhase phase, String reason, Class<? extends Decision.Action> action, Set<String> trueConditions) {
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
            new ProviderView.Blocked(null, JobReason.PROVIDER_CONFIG_NOT_FOUND, "missing", true), Admission.NOT_ASKED, null,
            T0, JobPhase.Pending, JobReason.PROVIDER_CONFIG_NOT_FOUND, Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("namespace not allowed: stalled", TestJobs.job(),
            new ProviderView.Blocked("Local/local", JobReason.NAMESPACE_NOT_ALLOWED, "no", true), Admission.NOT_ASKED, null,
            T0, JobPhase.Pending, JobReason.NAMESPACE_NOT_ALLOWED, Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("provider not ready yet: waits, not stalled", TestJobs.job(),
            new ProviderView.Blocked("Local/local", JobReason.PROVIDER_NOT_READY, "probing", false), Admission.NOT_ASKED,
            null, T0, JobPhase.Pending, JobReason.PROVIDER_NOT_READY, Decision.None.class, Set.of(JobCondition.RECONCILING)),
        new Row("price above the cap: stalled", TestJobs.job(s -> s.setMaxPricePerHour("3.99")), USABLE, ADMITTED, null,
            T0, JobPhase.Pending, JobReason.PRICE_ABOVE_LIMIT, Decision.None.class, Set.of(JobCondition.STALLED)),
        new Row("price exactly at the cap: submits", TestJobs.job(s -> s.setMaxPricePerHour("4.00")), USABLE, ADMITTED,
            null, T0, JobPhase.Submitting, JobReason.WORKLOAD_SUBMITTED, Decision.Submit.class,
            Set.of(JobCondition.SUBMITTED, JobCondition.RECONCILING)),
        new Row("cap set but no price known: stalled", TestJobs.job(s -> s.setMaxPricePerHour("1")),
            new ProviderView.Usable("Local/local", null), ADMITTED, null, T0, JobPhase.Pending, JobReason.PRICE_UNKNOWN,
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
            Decision.StopWorkload.class, Set.of(JobCondition.SUBMITTED, JobCondition.COMPLETE)),
        new Row("workload failed with retries left", TestJobs.running(s -> s.setBackoffLimit(2), 1, T0), USABLE,
            Admission.NOT_ASKED, observed(WorkloadState.FAILED, 3, later), later, JobPhase.Queued, JobReason.RETRY_BACKOFF,
            Decision.StopWorkload.class, Set.of(JobCondition.RECONCILING)),
        new Row("workload failed, no retries left", TestJobs.running(s -> {}, 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.FAILED, 3, later), later, JobPhase.Failed, JobReason.BACKOFF_LIMIT_EXCEEDED,
            Decision.StopWorkload.class, Set.of(JobCondition.SUBMITTED, JobCondition.FAILED, JobCondition.STALLED)),
        new Row("workload lost, retries left", TestJobs.running(s -> s.setBackoffLimit(1), 1, T0), USABLE,
            Admission.NOT_ASKED, observed(WorkloadState.LOST, null, null), later, JobPhase.Queued, JobReason.RETRY_BACKOFF,
            Decision.StopWorkload.class, Set.of(JobCondition.RECONCILING)),
        new Row("deadline passes while running", TestJobs.running(s -> s.setActiveDeadlineSeconds(60L), 1, T0), USABLE,
            Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null), later, JobPhase.Failed,
            JobReason.DEADLINE_EXCEEDED, Decision.StopWorkload.class, Set.of(JobCondition.SUBMITTED, JobCondition.FAILED, JobCondition.STALLED)),
        new Row("suspended while running", TestJobs.running(s -> s.setSuspend(true), 1, T0), USABLE, Admission.NOT_ASKED,
            observed(WorkloadState.RUNNING, null, null), later, JobPhase.Suspended, JobReason.SUSPENDED,
            Decision.StopWorkload.class, Set.of()),
        new Row("submitted workload unknown within the grace period", TestJobs.withStatus(TestJobs.job(), s -> {
          s.setPhase(JobPhase.Submitting);
          s.setAttempts(1);
          s.setAttemptStartTime("2026-01-01T00:00:00Z");
        }), USABLE, Admission.NOT_ASKED, Observation.notFound(), T0.plusSeconds(5), JobPhase.Submitting, null,
            Decision.None.class, null),
        new Row("submitted workload unknown after the grace period: lost", TestJobs.withStatus(TestJobs.job(), s -> {
          s.setPhase(JobPhase.Submitting);
          s.setAttempts(1);
          s.setAttemptStartTime("2026-01-01T00:00:00Z");
        }), USABLE, Admission.NOT_ASKED, Observation.notFound(), T0.plusSeconds(61), JobPhase.Failed,
            JobReason.BACKOFF_LIMIT_EXCEEDED, Decision.StopWorkload.class, Set.of(JobCondition.SUBMITTED, JobCondition.FAILED, JobCondition.STALLED))
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitions")
  void decidesTheNextPhaseReasonAndAction(Row row) {
    Decision decision = decide(row.job(), row.provider(), row.admission(), row.observation(), row.now());

    assertThat(decision.status().getPhase()).isEqualTo(row.phase());
    assertThat(decision.action()).isInstanceOf(row.action());
    assertThat(decision.status().getObservedGeneration()).isEqualTo(1L);
    if (row.reason() != null) {
      assertThat(decision.status().getConditions()).anyMatch(c -> row.reason().equals(c.getReason()));
    }
    if (row.trueConditions() != null) {
      assertThat(trueConditions(decision.status())).isEqualTo(row.trueConditions());
    }
  }

  @Test
  void startingAnAttemptRecordsItsNumberAndStartTime() {
    Decision decision = decide(TestJobs.job(), USABLE, ADMITTED, null, T0);

    assertThat(decision.action()).isEqualTo(new Decision.Submit(1));
    assertThat(decision.status().getAttempts()).isEqualTo(1);
    assertThat(decision.status().getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(decision.status().getPricePerHour()).isEqualTo("4");
    assertThat(decision.status().getAccruedCost()).isEqualTo("0.000000");
    assertThat(decision.status().getGpu()).isEqualTo("A100x2");
    assertThat(decision.status().getProvider()).isEqualTo("Local/local");
  }

  @Test
  void submittedRecordsTheExternalIdAndTheProvidersNote() {
    Decision decision = JobDecider.submitted(decide(TestJobs.job(), USABLE, ADMITTED, null, T0), 1,
        new SubmitResult("pid:7", "image busybox recorded, not pulled"));

    assertThat(decision.status().getExternalId()).isEqualTo("pid:7");
    assertThat(Conditions.find(decision.status().getConditions(), JobCondition.SUBMITTED).orElseThrow().getMessage())
        .contains("pid:7").contains("not pulled");
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
  void aJobFailsAfterBackoffLimitPlusOneAttempts() {
    GpuJob job = TestJobs.job(s -> s.setBackoffLimit(2));
    Instant now = T0;
    int attempts = 0;
    while (job.getStatus() == null || !job.getStatus().getPhase().isTerminal()) {
      Decision start = decide(job, USABLE, ADMITTED, null, now);
      assertThat(start.action()).isInstanceOf(Decision.Submit.class);
      attempts++;
      job.setStatus(start.status());
      now = now.plusSeconds(30);
      Decision failed = decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.FAILED, 1, now), now);
      job.setStatus(failed.status());
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
    job.setStatus(decide(job, USABLE, Admission.NOT_ASKED, observed(WorkloadState.RUNNING, null, null), T0.plusSeconds(60))
        .status());
    assertThat(job.getStatus().getFailures()).isNull();
    assertThat(job.getStatus().getStartTime()).isNull();

    job.getSpec().setSuspend(false);
    Decision resumed = decide(job, USABLE, ADMITTED, null, T0.plusSeconds(120));

    assertThat(resumed.action()).isEqualTo(new Decision.Submit(2));
    assertThat(resumed.status().getAccruedCost()).isEqualTo("0.066667");
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
  void aRefusedSubmitQueuesForCapacityOrStallsForAnImpossibleRequest() {
    JobSituation situation = new JobSituation(TestJobs.job(), USABLE, ADMITTED, null, T0, 0.5, TIMING);

    Decision busy = JobDecider.submitRefused(situation, new ProviderException.NoCapacity("0 of 2 A100 free"));
    Decision impossible = JobDecider.submitRefused(situation,
        new ProviderException.InvalidRequest("UnknownGpuType", "no H800 here; the host has A100 x2"));

    assertThat(busy.status().getPhase()).isEqualTo(JobPhase.Queued);
    assertThat(busy.status().getAttempts()).isNull();
    assertThat(trueConditions(busy.status())).containsExactly(JobCondition.RECONCILING);
    assertThat(impossible.status().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(Conditions.find(impossible.status().getConditions(), JobCondition.STALLED).orElseThrow().getReason())
        .isEqualTo("UnknownGpuType");
    assertThat(impossible.requeueAfter()).isNull();
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
