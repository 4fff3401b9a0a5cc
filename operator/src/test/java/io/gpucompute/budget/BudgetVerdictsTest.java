package io.gpucompute.budget;

import static io.gpucompute.budget.BudgetFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.job.JobReason;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whether the budgets covering a job let it start: every one must. */
class BudgetVerdictsTest {

  private static final BudgetWindow DECEMBER = BudgetWindow.containing(io.gpucompute.api.v1alpha1.BudgetPeriod.Monthly,
      NOW, NOW);

  private static BudgetUse use(String name, String limit, String spent, String committed, String reserved,
      Map<String, Integer> gpusInUse, Map<String, Integer> gpuLimits, boolean stopsRunning) {
    return new BudgetUse(name, new BigDecimal(limit), DECEMBER, new BigDecimal(spent), new BigDecimal(committed),
        new BigDecimal(reserved), gpusInUse, gpuLimits, stopsRunning);
  }

  private static BudgetUse money(String name, String limit, String spent, String committed, String reserved) {
    return use(name, limit, spent, committed, reserved, Map.of(), Map.of(), false);
  }

  private static BudgetVerdicts.Start start(String price, Long deadline) {
    return new BudgetVerdicts.Start("A100", 1, price == null ? null : new BigDecimal(price), deadline, null);
  }

  static Stream<Arguments> money() {
    return Stream.of(
        // limit, spent, committed, reserved, price, deadline, admitted
        Arguments.of("500", "0", "0", "0", "1.10", 3600L, true),
        Arguments.of("500", "498.20", "0", "0", "1.10", 3600L, true),     // 1.10 fits in 1.80
        Arguments.of("500", "498.20", "0", "0", "1.10", 7200L, false),    // 2.20 does not
        Arguments.of("500", "498", "0.5", "0.4", "1.10", 3600L, true),    // exactly what remains: 1.10
        Arguments.of("500", "498", "0.5", "0.41", "1.10", 3600L, false),
        Arguments.of("1", "0", "0", "0.733333", "1.10", 1200L, false),    // the e2e case: a third job of 0.37
        Arguments.of("2", "0", "0", "0.733333", "1.10", 1200L, true),     // after the limit was raised
        Arguments.of("10", "0", "0", "0", "2.50", null, true),            // no deadline: one hour is held
        Arguments.of("2", "0", "0", "0", "2.50", null, false),
        Arguments.of("0", "0", "0", "0", "0", 3600L, true));              // a free GPU fits in a zero budget
  }

  @ParameterizedTest
  @MethodSource("money")
  void aJobStartsOnlyWhenWhatItMayCostFitsInWhatRemains(String limit, String spent, String committed,
      String reserved, String price, Long deadline, boolean admitted) {
    Optional<BudgetVerdicts.Refusal> refusal = BudgetVerdicts.toStart(
        List.of(money("team-a", limit, spent, committed, reserved)), start(price, deadline), NOW);

    assertThat(refusal.isEmpty()).isEqualTo(admitted);
    refusal.ifPresent(r -> assertThat(r.reason()).isEqualTo(JobReason.BUDGET_EXCEEDED));
  }

  @Test
  void theMessageGivesTheFigures() {
    BudgetVerdicts.Refusal refusal = BudgetVerdicts.toStart(List.of(money("team-a", "500", "498.2", "0", "0")),
        start("1.20", 36_000L), NOW).orElseThrow();

    assertThat(refusal.message()).isEqualTo("GpuBudget team-a spent 498.20 of 500.00 USD in December 2025; "
        + "this job may cost up to 12.00");
    assertThat(BudgetVerdicts.toStart(List.of(money("team-a", "500", "498.2", "1.2", "3")), start("2.5", null), NOW)
        .orElseThrow().message()).isEqualTo("GpuBudget team-a spent 498.20 of 500.00 USD in December 2025 (its "
        + "running jobs: 1.20 so far, up to 3.00 more); this job may cost up to 2.50 (an hour of it: it has no "
        + "spec.activeDeadlineSeconds)");
    assertThat(BudgetVerdicts.toStart(List.of(money("team-a", "5", "0", "0", "0")), start("1", 36_000L), NOW)
        .orElseThrow().message()).endsWith("this job may cost up to 10.00, more than the whole limit");
  }

  @Test
  void aRetryHoldsOnlyWhatIsLeftOfItsDeadline() {
    BudgetVerdicts.Start retry = new BudgetVerdicts.Start("A100", 1, new BigDecimal("1"), 7200L,
        NOW.minusSeconds(3600));

    assertThat(BudgetVerdicts.toStart(List.of(money("team-a", "1", "0", "0", "0")), retry, NOW)).isEmpty();
  }

  @Test
  void everyBudgetThatCoversTheJobMustAllowIt() {
    BudgetUse monthly = money("monthly", "500", "10", "0", "0");
    BudgetUse project = money("project", "100", "99.5", "0", "0");

    BudgetVerdicts.Refusal refusal = BudgetVerdicts.toStart(List.of(monthly, project), start("1.00", 3600L), NOW)
        .orElseThrow();

    assertThat(refusal.message()).startsWith("GpuBudget project spent 99.50 of 100.00 USD");
    assertThat(BudgetVerdicts.toStart(List.of(monthly), start("1.00", 3600L), NOW)).isEmpty();
    assertThat(BudgetVerdicts.toStart(List.of(), start(null, null), NOW)).as("no budget covers it").isEmpty();
  }

  @Test
  void aGpuLimitKeepsTheJobWaitingWhateverTheMoney() {
    BudgetUse quota = use("team-a", "500", "0", "0", "0", Map.of("A100", 2), Map.of("A100", 2), false);

    BudgetVerdicts.Refusal refusal = BudgetVerdicts.toStart(List.of(quota), start("1.10", 3600L), NOW).orElseThrow();

    assertThat(refusal.reason()).isEqualTo(JobReason.GPU_QUOTA_EXCEEDED);
    assertThat(refusal.message()).isEqualTo("GpuBudget team-a allows 2 A100 at once and its jobs hold 2; this job "
        + "needs 1");
    BudgetVerdicts.Start h100 = new BudgetVerdicts.Start("H100", 4, new BigDecimal("1"), 60L, null);
    assertThat(BudgetVerdicts.toStart(List.of(quota), h100, NOW)).as("another type is not limited").isEmpty();
    BudgetVerdicts.Start lowerCase = new BudgetVerdicts.Start("a100", 1, new BigDecimal("1"), 60L, null);
    assertThat(BudgetVerdicts.toStart(List.of(quota), lowerCase, NOW)).as("types compare without case").isPresent();
  }

  @Test
  void aJobWithoutAPriceCannotBeBoundedByABudget() {
    BudgetVerdicts.Refusal refusal = BudgetVerdicts.toStart(List.of(money("team-a", "500", "0", "0", "0")),
        start(null, 3600L), NOW).orElseThrow();

    assertThat(refusal.reason()).isEqualTo(JobReason.PRICE_UNKNOWN);
    assertThat(refusal.message()).contains("no price for A100", "spec.prices");
  }

  @Test
  void runningJobsStopOnlyUnderStopRunningOnceTheLimitIsReached() {
    BudgetUse blockNew = use("a", "10", "9", "1", "5", Map.of(), Map.of(), false);
    BudgetUse stopBelow = use("b", "10", "9", "0.99", "5", Map.of(), Map.of(), true);
    BudgetUse stopAt = use("c", "10", "9", "1", "0", Map.of(), Map.of(), true);

    assertThat(BudgetVerdicts.toKeepRunning(List.of(blockNew, stopBelow))).isEmpty();
    BudgetVerdicts.Refusal stop = BudgetVerdicts.toKeepRunning(List.of(blockNew, stopAt)).orElseThrow();
    assertThat(stop.reason()).isEqualTo(JobReason.BUDGET_EXCEEDED);
    assertThat(stop.message()).isEqualTo("GpuBudget c reached its limit: 10.00 of 10.00 USD used in December 2025, "
        + "and its spec.onExceeded is StopRunning; the job waits for the next period or a higher limit");
  }
}
