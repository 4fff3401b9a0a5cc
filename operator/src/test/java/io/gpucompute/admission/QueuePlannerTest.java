package io.gpucompute.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.job.Admission;
import io.gpucompute.job.JobReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueuePlannerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static QueueEntry job(String id, int priority, int secondsAfterT0, String type, int gpus) {
    return new QueueEntry(id, priority, T0.plusSeconds(secondsAfterT0), type, gpus);
  }

  private static Admission.Waiting waiting(Map<String, Admission> plan, String id) {
    assertThat(plan.get(id)).isInstanceOf(Admission.Waiting.class);
    return (Admission.Waiting) plan.get(id);
  }

  @Test
  void admitsHighestPriorityFirstThenOldest() {
    Map<String, Admission> plan = QueuePlanner.plan(List.of(
        job("old-low", 0, 0, "A100", 1), job("new-high", 5, 30, "A100", 1), job("new-low", 0, 60, "A100", 1)),
        List.of(), new Capacity(null, Map.of("A100", 1)));

    assertThat(plan.get("new-high")).isInstanceOf(Admission.Admitted.class);
    assertThat(waiting(plan, "old-low").position()).isEqualTo(1);
    assertThat(waiting(plan, "new-low").position()).isEqualTo(2);
    assertThat(waiting(plan, "old-low").reason()).isEqualTo(JobReason.GPUS_BUSY);
  }

  @Test
  void maxConcurrentJobsCountsWhatAlreadyRuns() {
    Map<String, Admission> plan = QueuePlanner.plan(List.of(job("a", 0, 0, "H100", 1), job("b", 0, 1, "H100", 1)),
        List.of(job("running", 0, -60, "H100", 1)), new Capacity(2, Map.of()));

    assertThat(plan.get("a")).isInstanceOf(Admission.Admitted.class);
    assertThat(waiting(plan, "b").reason()).isEqualTo(JobReason.PROVIDER_AT_CAPACITY);
  }

  @Test
  void aBigJobIsNotStarvedBySmallerOnesOfItsTypeButOtherTypesGoAhead() {
    Map<String, Admission> plan = QueuePlanner.plan(List.of(
        job("big", 0, 0, "A100", 2), job("small", 0, 10, "A100", 1), job("other-type", 0, 20, "T4", 1)),
        List.of(job("running", 0, -60, "A100", 1)), new Capacity(null, Map.of("A100", 2, "T4", 1)));

    assertThat(waiting(plan, "big").position()).isEqualTo(1);
    assertThat(waiting(plan, "small").position()).isEqualTo(2);
    assertThat(plan.get("other-type")).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void aJobNeedingMoreGpusThanExistGoesToTheProviderToBeRefusedInsteadOfBlockingItsType() {
    Map<String, Admission> plan = QueuePlanner.plan(List.of(job("huge", 0, 0, "A100", 8), job("ok", 0, 10, "A100", 1)),
        List.of(), new Capacity(null, Map.of("a100", 2)));

    assertThat(plan.get("huge")).isInstanceOf(Admission.Admitted.class);
    assertThat(plan.get("ok")).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void theShortcutForAQueueThatAllFitsAgreesWithTheWalkInOrder() {
    java.util.Random random = new java.util.Random(14);
    int shortcuts = 0;
    for (int round = 0; round < 2000; round++) {
      List<QueueEntry> waiting = entries(random, "w", random.nextInt(12));
      List<QueueEntry> active = entries(random, "a", random.nextInt(6));
      Integer max = random.nextBoolean() ? null : 1 + random.nextInt(16);
      Map<String, Integer> inventory = random.nextBoolean() ? Map.of()
          : Map.of("A100", random.nextInt(20), "t4", 1 + random.nextInt(4));
      Capacity capacity = new Capacity(max, inventory);

      assertThat(QueuePlanner.plan(waiting, active, capacity)).as("round %d", round)
          .isEqualTo(QueuePlanner.planInOrder(waiting, active, capacity));
      shortcuts += QueuePlanner.everyoneFits(waiting, active, capacity) ? 1 : 0;
    }
    assertThat(shortcuts).as("rounds that took the shortcut").isBetween(100, 1900);
  }

  private static List<QueueEntry> entries(java.util.Random random, String prefix, int count) {
    List<QueueEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(job(prefix + i, random.nextInt(3), random.nextInt(100), random.nextBoolean() ? "A100" : "T4",
          1 + random.nextInt(4)));
    }
    return entries;
  }
}
