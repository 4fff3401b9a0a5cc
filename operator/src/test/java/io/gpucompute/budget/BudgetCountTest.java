package io.gpucompute.budget;

import static io.gpucompute.budget.BudgetFixtures.CREATED;
import static io.gpucompute.budget.BudgetFixtures.NOW;
import static io.gpucompute.budget.BudgetFixtures.budget;
import static io.gpucompute.budget.BudgetFixtures.byUid;
import static io.gpucompute.budget.BudgetFixtures.finished;
import static io.gpucompute.budget.BudgetFixtures.running;
import static io.gpucompute.budget.BudgetFixtures.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.BudgetSettlement;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuBudgetStatus;
import io.gpucompute.api.v1alpha1.GpuLimit;
import io.gpucompute.api.v1alpha1.UserSpend;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A budget counted over its namespace's jobs, and the status that count makes. */
class BudgetCountTest {

  @Test
  void finishedJobsAreSpentRunningJobsAreCommittedAndReservedAndHoldGpus() {
    GpuBudget budget = budget("team-a", "10", s -> s.getGpuLimits().add(new GpuLimit("A100", 4)));
    Map<String, BudgetedJob> jobs = byUid(finished("done", "0.5"),
        running("run", "1.20", NOW.minusSeconds(1800)).deadline(3600).settled("0").accrued("0.6").gpus("A100", 2),
        running("open", "2", NOW.minusSeconds(60)).gpus("H100", 1));

    BudgetCount count = BudgetCount.of(budget, jobs, List.of(), NOW);

    assertThat(count.use().spent()).isEqualByComparingTo("0.5");
    assertThat(count.use().committed()).isEqualByComparingTo("0.6");
    assertThat(count.use().reserved()).as("0.60 left to the deadline, and an hour of the job without one")
        .isEqualByComparingTo("2.6");
    assertThat(count.use().remaining()).isEqualByComparingTo("6.3");
    assertThat(count.use().gpusInUse()).containsEntry("A100", 2).containsEntry("H100", 1);

    GpuBudgetStatus status = BudgetStatuses.of(budget, count, NOW);
    assertThat(status.getSpent()).isEqualTo("0.5000000000");
    assertThat(status.getRemaining()).isEqualTo("6.300000");
    assertThat(status.getPeriodStart()).isEqualTo("2025-12-01T00:00:00Z");
    assertThat(status.getPeriodEnd()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(status.getGpusInUse()).extracting(g -> g.getGpuType() + "=" + g.getInUse() + "/" + g.getLimit())
        .containsExactly("A100=2/4", "H100=1/null");
    assertThat(status.getMessage()).isEqualTo("0.50 of 10.00 USD spent in December 2025; running jobs: 0.60 so far, "
        + "up to 2.60 more; A100: 2 of 4; H100: 1 in use");
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void aBudgetCoversTheJobsWithItsLabelsThatDidNotEndBeforeIt() {
    GpuBudget project = budget("project", "10", s -> s.setJobLabels(Map.of("project", "llm")));
    Map<String, BudgetedJob> jobs = byUid(finished("llm", "1").label("project", "llm"),
        finished("other", "2").label("project", "vision"), finished("unlabelled", "4"),
        finished("old", "8").label("project", "llm").completed(CREATED.minusSeconds(1)));

    assertThat(BudgetCount.of(project, jobs, List.of(), NOW).use().spent()).isEqualByComparingTo("1");
    assertThat(BudgetCount.of(budget("all", "100"), jobs, List.of(), NOW).use().spent()).isEqualByComparingTo("7");
  }

  @Test
  void whatJustAdmittedJobsHoldCountsUntilTheirStatusShowsThem() {
    GpuBudget budget = budget("team-a", "10");
    Hold admitted = new Hold("new", BigDecimal.ZERO, new BigDecimal("0.5"), "A100", 1);
    Map<String, BudgetedJob> before = byUid(new BudgetFixtures.Job("new"));
    Map<String, BudgetedJob> after = byUid(running("new", "1.10", NOW).deadline(1800));

    assertThat(BudgetCount.of(budget, before, List.of(admitted), NOW).use().reserved()).isEqualByComparingTo("0.5");
    assertThat(BudgetCount.of(budget, Map.of(), List.of(admitted), NOW).use().gpusInUse()).containsEntry("A100", 1);
    assertThat(BudgetCount.of(budget, after, List.of(admitted), NOW).use().reserved()).as("counted once, from its status")
        .isEqualByComparingTo("0.55");
  }

  @Test
  void aNewPeriodStartsAtZeroAndCountsNothingTwice() {
    GpuBudget budget = withStatus(budget("team-a", "10"), s -> {
      s.setPeriodStart("2025-11-01T00:00:00Z");
      s.setSpent("9.5");
      s.setUsers(List.of(new UserSpend("oidc:alice", "Local/local", "9.5")));
      s.setSettlements(List.of(new BudgetSettlement("late", "job-late", 1, "0.5")));
    });
    // "late" was counted in November (its record is not written yet); "new" ended in December.
    Map<String, BudgetedJob> jobs = byUid(finished("late", "0.5"), finished("new", "0.25"));

    BudgetCount count = BudgetCount.of(budget, jobs, List.of(), NOW);

    assertThat(count.newPeriod()).isTrue();
    assertThat(count.use().spent()).isEqualByComparingTo("0.25");
    assertThat(count.settlement().users()).extracting(UserSpend::getSpent).containsExactly("0.2500000000");
    assertThat(count.settlement().ledger()).extracting(BudgetSettlement::getJobUid).containsExactly("late", "new");
  }

  @Test
  void theConditionsSayReadyWarningAtEightyPercentAndExceededAtTheLimit() {
    GpuBudget budget = budget("team-a", "10");
    for (String[] row : new String[][] {
        // spent, Warning, Exceeded
        {"7.99", "False", "False"}, {"8", "True", "False"}, {"9.99", "True", "False"}, {"10", "True", "True"},
        {"12", "True", "True"}}) {
      GpuBudget counted = withStatus(budget("team-a", "10"), s -> {
        s.setPeriodStart("2025-12-01T00:00:00Z");
        s.setSpent(row[0]);
      });
      GpuBudgetStatus status = BudgetStatuses.of(counted, BudgetCount.of(counted, Map.of(), List.of(), NOW), NOW);

      assertThat(Conditions.isTrue(status.getConditions(), BudgetCondition.READY)).isTrue();
      assertThat(Conditions.find(status.getConditions(), BudgetCondition.WARNING).orElseThrow().getStatus())
          .as("Warning at %s of 10", row[0]).isEqualTo(row[1]);
      assertThat(Conditions.find(status.getConditions(), BudgetCondition.EXCEEDED).orElseThrow().getStatus())
          .as("Exceeded at %s of 10", row[0]).isEqualTo(row[2]);
    }
    assertThat(budget.getStatus()).isNull();
  }

  @Test
  void aStatusWrittenAgainWithTheSameFactsIsEqualSoItIsNotWritten() {
    GpuBudget budget = budget("team-a", "10");
    Map<String, BudgetedJob> jobs = byUid(finished("done", "0.5").charged("uid-team-a", "0.5"));
    GpuBudgetStatus first = BudgetStatuses.of(budget, BudgetCount.of(budget, jobs, List.of(), NOW), NOW);
    budget.setStatus(first);

    Instant later = NOW.plusSeconds(30);
    assertThat(BudgetStatuses.of(budget, BudgetCount.of(budget, jobs, List.of(), later), later)).isEqualTo(first);
  }
}
