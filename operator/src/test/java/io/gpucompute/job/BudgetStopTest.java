package io.gpucompute.job;

import static io.gpucompute.job.TestJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A running job that a GpuBudget stops: settled, waiting, then released; a stop is no failure. */
class BudgetStopTest {

  private static final JobTiming TIMING = new JobTiming(Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60));
  private static final ProviderView USABLE = new ProviderView.Usable("Local/local", "local", TestJobs.LOCAL_UID,
      new BigDecimal("2"), true);

  private static JobSituation situation(GpuJob job, Instant now) {
    JobSituation.AttemptProvider bound = AttemptBindings.unreleased(job).isEmpty() ? null
        : new JobSituation.AttemptProvider("Local/local", false, true);
    return new JobSituation(job, USABLE, bound, Admission.NOT_ASKED, null, null, now, 0.5, TIMING);
  }

  @Test
  void aStoppedJobIsSettledAndWaitsQueuedThenItsWorkloadIsReleased() {
    Instant now = T0.plus(Duration.ofMinutes(30));
    GpuJob job = TestJobs.running(spec -> spec.setActiveDeadlineSeconds(7200L), 1, T0);

    Decision stopped = JobDecider.stop(situation(job, now), JobReason.BUDGET_EXCEEDED, "GpuBudget team-a reached "
        + "its limit");

    assertThat(stopped.status().getPhase()).isEqualTo(JobPhase.Queued);
    assertThat(stopped.status().getMessage()).isEqualTo("GpuBudget team-a reached its limit; attempt 1 is stopped");
    assertThat(Conditions.find(stopped.status().getConditions(), JobCondition.RECONCILING).orElseThrow().getReason())
        .isEqualTo("BudgetExceeded");
    assertThat(new BigDecimal(stopped.status().getSettledCost())).as("30 minutes at 4 USD/h")
        .isEqualByComparingTo("2");
    assertThat(stopped.status().getFailures()).as("a stop is no failure").isNull();
    assertThat(stopped.status().getStartTime()).as("its deadline clock starts again").isNull();
    assertThat(stopped.action()).isEqualTo(Decision.NONE);

    job.setStatus(stopped.status());
    Decision next = JobDecider.decide(situation(job, now));
    assertThat(next.action()).isEqualTo(new Decision.Release(1));
    assertThat(next.status().getWorkload().isReleased()).isTrue();
  }

  @Test
  void aJobThatHoldsNoWorkloadIsDecidedAsUsual() {
    GpuJob job = TestJobs.withStatus(TestJobs.job(), s -> s.setPhase(JobPhase.Succeeded));

    assertThat(JobDecider.stop(situation(job, T0), JobReason.BUDGET_EXCEEDED, "x").status().getPhase())
        .isEqualTo(JobPhase.Succeeded);
  }
}
