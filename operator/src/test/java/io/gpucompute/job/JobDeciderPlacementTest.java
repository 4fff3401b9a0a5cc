package io.gpucompute.job;

import static io.gpucompute.job.TestJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.PlacementCandidate;
import io.gpucompute.api.v1alpha1.PlacementSkip;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.WorkloadState;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link JobDecider} records a placement, fails over after a stock-out and counts preemptions apart. */
class JobDeciderPlacementTest {

  private static final JobTiming TIMING = new JobTiming(Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60));
  private static final ProviderView RUNPOD = new ProviderView.Usable("RunPod/runpod", "runpod", "pc-uid-runpod",
      new BigDecimal("0.60"), true);
  private static final PlacementOutcome.Choice SPOT_CHOICE = new PlacementOutcome.Choice(true,
      new BigDecimal("1.20"), "runpod (spot) at 1.20 USD/h, cheapest of 3; alibaba: NoCapacity",
      List.of(new PlacementCandidate("runpod", true, "1.200000", "Chosen", "placed here"),
          new PlacementCandidate("alibaba", null, "4.000000", "NoCapacity", "skipped")));

  private static JobSituation admitted(GpuJob job, PlacementOutcome.Choice choice, Instant now) {
    return new JobSituation(job, RUNPOD, null, new Admission.Admitted(), null, null, now, 0.5, TIMING, choice, null);
  }

  private static JobSituation holding(GpuJob job, Observation observation, Instant now) {
    return new JobSituation(job, RUNPOD, new JobSituation.AttemptProvider("RunPod/runpod", false, true),
        Admission.NOT_ASKED, observation, null, now, 0.5, TIMING);
  }

  private static GpuJob runningOnSpot(int preemptions, int maxPreemptions) {
    return TestJobs.withStatus(TestJobs.job(s -> {
      s.setProviderConfigRef(null);
      s.setMaxPreemptions(maxPreemptions);
    }), s -> {
      s.setPhase(JobPhase.Running);
      s.setAttempts(preemptions + 1);
      s.setPreemptions(preemptions == 0 ? null : preemptions);
      s.setWorkload(new AttemptRecord(preemptions + 1, "gpujob-uid-1-" + (preemptions + 1), "runpod",
          "pc-uid-runpod", null, true));
      s.setStartTime("2026-01-01T00:00:00Z");
      s.setAttemptStartTime("2026-01-01T00:00:00Z");
      s.setPricePerHour("1.2");
      s.setSettledCost("0");
      s.setAccruedCost("0");
    });
  }

  @Test
  void anAdmittedAttemptRecordsItsSpotCapacityAndWhyItWasPlacedThere() {
    Decision decision = JobDecider.decide(admitted(TestJobs.job(s -> s.setProviderConfigRef(null)), SPOT_CHOICE, T0));

    assertThat(decision.action()).isEqualTo(new Decision.Submit(1));
    assertThat(decision.status().getWorkload().onSpot()).isTrue();
    assertThat(decision.status().getWorkload().getProviderConfig()).isEqualTo("runpod");
    assertThat(decision.status().getPlacement().getProviderConfig()).isEqualTo("runpod");
    assertThat(decision.status().getPlacement().getSpot()).isTrue();
    assertThat(decision.status().getPlacement().getPricePerHour()).isEqualTo("1.2");
    assertThat(decision.status().getPlacement().getCandidates()).extracting(PlacementCandidate::getReason)
        .containsExactly("Chosen", "NoCapacity");
    assertThat(decision.status().getPricePerHour()).as("the spot price per GPU times the count").isEqualTo("1.2");
    assertThat(decision.status().getMessage()).contains("on spot capacity")
        .contains("placed on runpod (spot) at 1.20 USD/h, cheapest of 3");
  }

  @Test
  void aStockOutSkipsTheOptionWithBackoffAndPlacesTheJobAgainAtOnce() {
    GpuJob job = TestJobs.job(s -> s.setProviderConfigRef(null));
    JobSituation situation = admitted(job, SPOT_CHOICE, T0);
    Decision recorded = JobDecider.decide(situation);

    Decision first = JobDecider.afterSubmit(situation, recorded, new SubmitOutcome.NoCapacity("no spot A100 left"));

    assertThat(first.status().getPhase()).isEqualTo(JobPhase.Queued);
    assertThat(first.status().getAttempts()).as("nothing was created: the record is taken back").isNull();
    assertThat(first.requeueAfter()).isEqualTo(JobDecider.AT_ONCE);
    PlacementSkip skip = first.status().getPlacement().getSkips().get(0);
    assertThat(skip).isEqualTo(new PlacementSkip("runpod", true, "2026-01-01T00:00:30Z", "NoCapacity", 1,
        "no spot A100 left"));

    // The same option out of stock again, once its skip has passed: the cooldown doubles.
    job.setStatus(first.status());
    Instant later = T0.plusSeconds(31);
    JobSituation again = admitted(job, SPOT_CHOICE, later);
    Decision second = JobDecider.afterSubmit(again, JobDecider.decide(again), new SubmitOutcome.NoCapacity("still"));

    assertThat(second.status().getPlacement().getSkips()).singleElement().satisfies(s -> {
      assertThat(s.getStrikes()).isEqualTo(2);
      assertThat(s.getUntil()).isEqualTo("2026-01-01T00:01:31Z");
    });
    assertThat(second.status().getFailures()).isNull();
  }

  @Test
  void aPreemptionIsCountedApartFromFailuresAndSkipsTheOptionThatPreempted() {
    Instant at = T0.plusSeconds(600);
    Observation reclaimed = new Observation(WorkloadState.PREEMPTED, "pod-1", null, "the host reclaimed the pod",
        null, T0, at);

    Decision decision = JobDecider.decide(holding(runningOnSpot(0, 3), reclaimed, at));

    assertThat(decision.status().getPhase()).isEqualTo(JobPhase.Queued);
    assertThat(decision.status().getPreemptions()).isEqualTo(1);
    assertThat(decision.status().getFailures()).isNull();
    assertThat(decision.status().getRetryAfter()).as("no failure backoff").isNull();
    assertThat(Conditions.find(decision.status().getConditions(), JobCondition.RECONCILING).orElseThrow().getReason())
        .isEqualTo(JobReason.PREEMPTED.toString());
    assertThat(decision.status().getMessage()).contains("preempted by runpod (spot)")
        .contains("preemption 1 of 3");
    assertThat(decision.status().getPlacement().getSkips()).singleElement().satisfies(s -> {
      assertThat(s.getProviderConfig()).isEqualTo("runpod");
      assertThat(s.getSpot()).isTrue();
      assertThat(s.getReason()).isEqualTo("Preempted");
      assertThat(s.getUntil()).as("ten queue rechecks").isEqualTo("2026-01-01T00:15:00Z");
    });
    assertThat(decision.status().getAccruedCost()).as("billed up to the reclaim").isEqualTo("0.200000");
  }

  @Test
  void aJobPreemptedMoreOftenThanItsLimitFails() {
    Instant at = T0.plusSeconds(60);
    Observation reclaimed = new Observation(WorkloadState.PREEMPTED, "pod-3", null, "reclaimed", null, null, null);

    Decision decision = JobDecider.decide(holding(runningOnSpot(2, 2), reclaimed, at));

    assertThat(decision.status().getPhase()).isEqualTo(JobPhase.Failed);
    assertThat(decision.status().getPreemptions()).isEqualTo(3);
    assertThat(Conditions.find(decision.status().getConditions(), JobCondition.FAILED).orElseThrow().getReason())
        .isEqualTo(JobReason.PREEMPTION_LIMIT_EXCEEDED.toString());
  }

  @Test
  void aJobThatWaitsForASkipToPassIsWokenWhenItPasses() {
    GpuJob job = TestJobs.job(s -> s.setProviderConfigRef(null));
    Instant retryAt = T0.plusSeconds(12);
    JobSituation situation = new JobSituation(job, RUNPOD, null,
        new Admission.Waiting(0, JobReason.NO_CAPACITY_ANYWHERE, "every candidate is skipped"), null, null, T0, 0.5,
        TIMING, null, retryAt);

    Decision decision = JobDecider.decide(situation);

    assertThat(decision.status().getPhase()).isEqualTo(JobPhase.Queued);
    assertThat(decision.status().getQueuePosition()).as("no queue position: it waits for no queue").isNull();
    assertThat(decision.requeueAfter()).isEqualTo(Duration.ofSeconds(12));
  }
}
