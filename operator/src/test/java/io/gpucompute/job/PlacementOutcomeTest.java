package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.PlacementCandidate;
import io.gpucompute.api.v1alpha1.PlacementStrategy;
import io.gpucompute.api.v1alpha1.SpotPolicy;
import io.gpucompute.placement.Candidate;
import io.gpucompute.placement.Option;
import io.gpucompute.placement.Placement;
import io.gpucompute.placement.Ranking;
import io.gpucompute.placement.Skip;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What placing a job comes to, from the ranking and the queues' answers. */
class PlacementOutcomeTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Placement.Request ON_DEMAND = new Placement.Request(1, SpotPolicy.Never, null,
      PlacementStrategy.Cheapest);

  private static Candidate ready(String name, int rank, String price) {
    return new Candidate(name, "uid-" + name, "Local/" + name, rank, null, null, true, new BigDecimal(price), null,
        false, null, null);
  }

  private static Candidate stockedOut(String name, int rank, String price, Instant until) {
    return new Candidate(name, "uid-" + name, "Local/" + name, rank, null, null, true, new BigDecimal(price), null,
        false, new Skip(until, "NoCapacity", "no A100 left"), null);
  }

  private static ProviderView usable(String name) {
    return new ProviderView.Usable("Local/" + name, name, "uid-" + name, BigDecimal.ONE, true);
  }

  private static Map<String, ProviderView> views(String... names) {
    Map<String, ProviderView> views = new LinkedHashMap<>();
    for (String name : names) {
      views.put(name, usable(name));
    }
    return views;
  }

  private static Map<Option, Admission> answers(Ranking ranking, Admission... answers) {
    Map<Option, Admission> map = new LinkedHashMap<>();
    for (int i = 0; i < answers.length; i++) {
      map.put(ranking.options().get(i), answers[i]);
    }
    return map;
  }

  private static final Admission.Waiting FULL = new Admission.Waiting(3, JobReason.GPUS_BUSY, "0 of 2 free");

  @Test
  void theCheapestOptionWithRoomIsChosenAndPricedAsThatOption() {
    Ranking ranking = Placement.rank(ON_DEMAND, List.of(ready("a", 0, "3"), ready("b", 1, "1"), ready("c", 2, "2")),
        NOW);

    PlacementOutcome outcome = PlacementOutcome.of(ranking, answers(ranking, FULL, new Admission.Admitted()),
        views("a", "b", "c"), 3, PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.admission()).isInstanceOf(Admission.Admitted.class);
    assertThat(outcome.provider()).isEqualTo(new ProviderView.Usable("Local/c", "c", "uid-c", new BigDecimal("2"),
        true));
    assertThat(outcome.choice().summary()).isEqualTo("c at 2.00 USD/h, the best with room of 3; Local/b: GpusBusy");
    assertThat(outcome.choice().considered()).extracting(PlacementCandidate::getProviderConfig,
        PlacementCandidate::getReason).containsExactly(
            org.assertj.core.groups.Tuple.tuple("c", "Chosen"),
            org.assertj.core.groups.Tuple.tuple("b", "GpusBusy"),
            org.assertj.core.groups.Tuple.tuple("a", "Outranked"));
  }

  @Test
  void theFirstOptionAdmittedIsCalledCheapest() {
    Ranking ranking = Placement.rank(ON_DEMAND, List.of(ready("a", 0, "3"), ready("b", 1, "1")), NOW);

    PlacementOutcome outcome = PlacementOutcome.of(ranking, answers(ranking, new Admission.Admitted()),
        views("a", "b"), 2, PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.choice().summary()).isEqualTo("b at 1.00 USD/h, cheapest of 2");
  }

  @Test
  void whenEveryQueueIsFullTheJobWaitsInTheBestOnesQueue() {
    Ranking ranking = Placement.rank(ON_DEMAND, List.of(ready("a", 0, "3"), ready("b", 1, "1")), NOW);

    PlacementOutcome outcome = PlacementOutcome.of(ranking, answers(ranking, FULL, FULL), views("a", "b"), 2,
        PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.choice()).isNull();
    assertThat(outcome.provider().label()).isEqualTo("Local/b");
    assertThat(outcome.admission()).isInstanceOfSatisfying(Admission.Waiting.class, w -> {
      assertThat(w.position()).isEqualTo(3);
      assertThat(w.reason()).isEqualTo(JobReason.GPUS_BUSY);
      assertThat(w.message()).contains("every one is busy");
    });
  }

  @Test
  void aJobThatWaitsForItsBudgetIsNotSaidToWaitForBusyGpus() {
    Ranking ranking = Placement.rank(ON_DEMAND, List.of(ready("a", 0, "3"), ready("b", 1, "1")), NOW);
    Admission.Waiting overBudget = new Admission.Waiting(0, JobReason.BUDGET_EXCEEDED,
        "GpuBudget team has 0.50 USD left");

    PlacementOutcome outcome = PlacementOutcome.of(ranking, answers(ranking, overBudget, FULL), views("a", "b"), 2,
        PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.admission()).isInstanceOfSatisfying(Admission.Waiting.class, w -> {
      assertThat(w.reason()).isEqualTo(JobReason.BUDGET_EXCEEDED);
      assertThat(w.message())
          .isEqualTo("GpuBudget team has 0.50 USD left (the best of 2 options; none can start it now)");
    });
  }

  @Test
  void whenEveryCandidateIsSkippedTheJobWaitsForTheFirstSkipToPass() {
    Instant soon = NOW.plusSeconds(30);
    Ranking ranking = Placement.rank(ON_DEMAND, List.of(stockedOut("a", 0, "1", NOW.plusSeconds(90)),
        stockedOut("b", 1, "2", soon)), NOW);

    PlacementOutcome outcome = PlacementOutcome.of(ranking, Map.of(), views("a", "b"), 2, PlacementStrategy.Cheapest,
        NOW);

    assertThat(outcome.retryAt()).isEqualTo(soon);
    assertThat(outcome.admission()).isInstanceOfSatisfying(Admission.Waiting.class, w -> {
      assertThat(w.reason()).isEqualTo(JobReason.NO_CAPACITY_ANYWHERE);
      assertThat(w.message()).contains("a: NoCapacity").contains("b: NoCapacity");
    });
  }

  @Test
  void oneSkippedCandidateSaysNoCapacityWithWhatTheProviderSaid() {
    Ranking ranking = Placement.rank(ON_DEMAND, List.of(stockedOut("a", 0, "1", NOW.plusSeconds(30))), NOW);

    PlacementOutcome outcome = PlacementOutcome.of(ranking, Map.of(), views("a"), 1, PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.admission()).isInstanceOfSatisfying(Admission.Waiting.class, w -> {
      assertThat(w.reason()).isEqualTo(JobReason.NO_CAPACITY);
      assertThat(w.message()).contains("no A100 left");
    });
  }

  @Test
  void oneBlockedCandidateSpeaksForItself() {
    ProviderView blocked = new ProviderView.Blocked("Local/a", "NamespaceNotAllowed", "not here", true);
    Candidate a = new Candidate("a", "uid-a", "Local/a", 0, "NamespaceNotAllowed", "not here", true, null, null,
        false, null, null);

    PlacementOutcome outcome = PlacementOutcome.of(Placement.rank(ON_DEMAND, List.of(a), NOW), Map.of(),
        Map.of("a", blocked), 1, PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.provider()).isEqualTo(blocked);
    assertThat(outcome.admission()).isEqualTo(Admission.NOT_ASKED);
  }

  @Test
  void oneCandidateAboveThePriceLimitStallsTheJob() {
    Placement.Request capped = new Placement.Request(1, SpotPolicy.Never, new BigDecimal("0.5"),
        PlacementStrategy.Cheapest);

    PlacementOutcome outcome = PlacementOutcome.of(Placement.rank(capped, List.of(ready("a", 0, "1")), NOW),
        Map.of(), views("a"), 1, PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.provider()).isInstanceOfSatisfying(ProviderView.Blocked.class, b -> {
      assertThat(b.reason()).isEqualTo("PriceAboveLimit");
      assertThat(b.stalled()).isTrue();
    });
  }

  @Test
  void severalCandidatesThatCannotTakeTheJobAreSummedUp() {
    Candidate notReady = new Candidate("a", "uid-a", "Local/a", 0, "ProviderNotReady", "not checked yet", true, null,
        null, false, null, null);
    Candidate noType = new Candidate("b", "uid-b", "Local/b", 1, null, null, false, BigDecimal.ONE, null, false, null,
        null);

    PlacementOutcome passing = PlacementOutcome.of(Placement.rank(ON_DEMAND, List.of(notReady, noType), NOW),
        Map.of(), views("a", "b"), 2, PlacementStrategy.Cheapest, NOW);
    PlacementOutcome stuck = PlacementOutcome.of(Placement.rank(ON_DEMAND, List.of(noType), NOW), Map.of(),
        views("b"), 2, PlacementStrategy.Cheapest, NOW);

    assertThat(passing.provider()).isInstanceOfSatisfying(ProviderView.Blocked.class, b -> {
      assertThat(b.reason()).isEqualTo(JobReason.NO_SUITABLE_PROVIDER.toString());
      assertThat(b.message()).contains("a: ProviderNotReady").contains("b: GpuTypeNotOffered");
      assertThat(b.stalled()).as("a may become ready by itself").isFalse();
    });
    assertThat(((ProviderView.Blocked) stuck.provider()).stalled()).isTrue();
  }

  @Test
  void noCandidateAtAllStallsTheJob() {
    PlacementOutcome outcome = PlacementOutcome.of(Placement.rank(ON_DEMAND, List.of(), NOW), Map.of(), Map.of(), 0,
        PlacementStrategy.Cheapest, NOW);

    assertThat(outcome.provider()).isInstanceOfSatisfying(ProviderView.Blocked.class, b -> {
      assertThat(b.reason()).isEqualTo(JobReason.NO_SUITABLE_PROVIDER.toString());
      assertThat(b.stalled()).isTrue();
    });
  }
}
