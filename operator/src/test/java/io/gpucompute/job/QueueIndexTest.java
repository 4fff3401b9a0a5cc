package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.JobPlacement;
import io.gpucompute.api.v1alpha1.ProviderConfigReference;
import io.gpucompute.status.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QueueIndexTest {

  private final QueueIndex index = new QueueIndex();

  private static GpuJob job(String name, Instant created, Consumer<GpuJobSpec> spec) {
    GpuJob job = TestJobs.job(spec);
    job.getMetadata().setName(name);
    job.getMetadata().setUid("uid-" + name);
    job.getMetadata().setCreationTimestamp(Timestamps.format(created));
    return job;
  }

  private static GpuJob queued(String name, Instant created) {
    return TestJobs.withStatus(job(name, created, s -> {}), s -> s.setPhase(JobPhase.Queued));
  }

  private static Condition condition(String type, String reason) {
    return new ConditionBuilder().withType(type).withStatus("True").withReason(reason).build();
  }

  /** Stores {@code job} and answers the version of queue local after it. */
  private long storeAndReadVersion(GpuJob job) {
    index.stored(job);
    return index.version("local");
  }

  private List<String> waiting(String key) {
    return index.contents(key).waiting().stream().map(m -> m.job().getMetadata().getName()).toList();
  }

  private List<String> active(String key) {
    return index.contents(key).active().stream().map(m -> m.job().getMetadata().getName()).toList();
  }

  @Test
  void waitingJobsAreKeptInQueueOrderWhateverTheOrderTheyAreStoredIn() {
    GpuJob late = queued("late", TestJobs.T0.plusSeconds(20));
    GpuJob early = queued("early", TestJobs.T0);
    GpuJob urgent = job("urgent", TestJobs.T0.plusSeconds(30), s -> s.setPriority(10));
    GpuJob tie = queued("a-tie", TestJobs.T0.plusSeconds(20));

    Stream.of(late, early, urgent, tie).forEach(index::stored);

    assertThat(waiting("local")).containsExactly("urgent", "early", "a-tie", "late");
    assertThat(index.size()).isEqualTo(4);
  }

  @Test
  void aStatusWriteThatChangesNothingTheQueueReadsKeepsTheVersionAndShowsTheNewObject() {
    GpuJob job = queued("train", TestJobs.T0);
    long version = storeAndReadVersion(job);

    GpuJob written = queued("train", TestJobs.T0);
    written.getStatus().setQueuePosition(3);
    written.getStatus().setMessage("place 3 in the queue");
    index.stored(written);

    assertThat(index.version("local")).isEqualTo(version);
    assertThat(index.contents("local").waiting()).singleElement()
        .satisfies(m -> assertThat(m.job().getStatus().getQueuePosition()).isEqualTo(3));
  }

  @Test
  void aJobThatTakesCapacityMovesFromWaitingToActiveAndLeavesWhenItsWorkloadIsReleased() {
    GpuJob job = queued("train", TestJobs.T0);
    long waitingVersion = storeAndReadVersion(job);

    GpuJob running = TestJobs.running(s -> {}, 1, TestJobs.T0);
    running.getMetadata().setName("train");
    long activeVersion = storeAndReadVersion(running);

    assertThat(waiting("local")).isEmpty();
    assertThat(active("local")).containsExactly("train");
    assertThat(activeVersion).isNotEqualTo(waitingVersion);

    GpuJob done = TestJobs.running(s -> {}, 1, TestJobs.T0);
    done.getMetadata().setName("train");
    done.getStatus().setPhase(JobPhase.Succeeded);
    done.getStatus().getWorkload().setReleased(true);
    index.stored(done);

    assertThat(active("local")).isEmpty();
    assertThat(index.version("local")).isNotEqualTo(activeVersion);
    assertThat(index.size()).isZero();
  }

  @Test
  void anActiveJobIsFiledUnderTheProviderConfigItsAttemptIsBoundToNotTheOneItsSpecNamesNow() {
    GpuJob running = TestJobs.running(s -> s.setProviderConfigRef(new ProviderConfigReference("other")), 1,
        TestJobs.T0);

    index.stored(running);

    assertThat(active("local")).containsExactly("train");
    assertThat(active("other")).isEmpty();
    assertThat(waiting("other")).isEmpty();
  }

  @Test
  void aJobThatAnyProviderConfigMayTakeIsFiledUnderAny() {
    GpuJob bySelector = job("by-selector", TestJobs.T0, s -> {
      s.setProviderConfigRef(null);
      JobPlacement placement = new JobPlacement();
      placement.setSelector(new LabelSelectorBuilder().addToMatchLabels("tier", "cheap").build());
      s.setPlacement(placement);
    });
    GpuJob byList = job("by-list", TestJobs.T0, s -> {
      s.setProviderConfigRef(null);
      JobPlacement placement = new JobPlacement();
      placement.setProviders(List.of("a", "b"));
      s.setPlacement(placement);
    });

    index.stored(bySelector);
    index.stored(byList);

    assertThat(waiting(JobCandidates.ANY)).containsExactly("by-selector");
    assertThat(waiting("a")).containsExactly("by-list");
    assertThat(waiting("b")).containsExactly("by-list");
  }

  static Stream<Arguments> jobsInNoQueue() {
    return Stream.of(
        Arguments.of("suspended", job("j", TestJobs.T0, s -> s.setSuspend(true))),
        Arguments.of("being deleted", deleting()),
        Arguments.of("Succeeded", TestJobs.withStatus(job("j", TestJobs.T0, s -> {}),
            s -> s.setPhase(JobPhase.Succeeded))),
        Arguments.of("Stalled", TestJobs.withStatus(job("j", TestJobs.T0, s -> {}),
            s -> s.setConditions(List.of(condition(JobCondition.STALLED, "InvalidSpec"))))),
        Arguments.of("waiting for its budget", TestJobs.withStatus(job("j", TestJobs.T0, s -> {}), s -> {
          s.setPhase(JobPhase.Queued);
          s.setConditions(List.of(condition(JobCondition.RECONCILING, JobReason.BUDGET_EXCEEDED.toString())));
        })),
        Arguments.of("stored without a spec", specless()));
  }

  private static GpuJob deleting() {
    GpuJob job = job("j", TestJobs.T0, s -> {});
    job.getMetadata().setDeletionTimestamp(Timestamps.format(TestJobs.T0));
    return job;
  }

  private static GpuJob specless() {
    GpuJob job = job("j", TestJobs.T0, s -> {});
    job.setSpec(null);
    return job;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobsInNoQueue")
  void aJobThatCannotWantAPlaceIsInNoQueue(String what, GpuJob job) {
    index.stored(job);

    assertThat(index.size()).isZero();
    assertThat(waiting("local")).isEmpty();
  }

  @Test
  void aJobThatStopsWantingAPlaceLeavesItsQueue() {
    long version = storeAndReadVersion(queued("train", TestJobs.T0));

    GpuJob suspended = queued("train", TestJobs.T0);
    suspended.getSpec().setSuspend(true);
    index.stored(suspended);

    assertThat(waiting("local")).isEmpty();
    assertThat(index.version("local")).isNotEqualTo(version);
  }

  @Test
  void aNewRetryAfterOrAMoveToAnotherProviderConfigChangesTheQueues() {
    long version = storeAndReadVersion(queued("train", TestJobs.T0));

    GpuJob backingOff = queued("train", TestJobs.T0);
    backingOff.getStatus().setRetryAfter(Timestamps.format(TestJobs.T0.plusSeconds(30)));
    index.stored(backingOff);

    assertThat(index.version("local")).isNotEqualTo(version);
    assertThat(index.contents("local").waiting()).singleElement()
        .satisfies(m -> assertThat(m.retryAfter()).isEqualTo(TestJobs.T0.plusSeconds(30)));

    GpuJob moved = queued("train", TestJobs.T0);
    moved.getSpec().setProviderConfigRef(new ProviderConfigReference("other"));
    moved.getMetadata().setGeneration(2L);
    long before = index.version("other");
    index.stored(moved);

    assertThat(waiting("local")).isEmpty();
    assertThat(waiting("other")).containsExactly("train");
    assertThat(index.version("other")).isNotEqualTo(before);
  }

  @Test
  void aPriorityEditReordersTheQueue() {
    index.stored(queued("first", TestJobs.T0));
    index.stored(queued("second", TestJobs.T0.plusSeconds(1)));

    GpuJob promoted = queued("second", TestJobs.T0.plusSeconds(1));
    promoted.getSpec().setPriority(5);
    promoted.getMetadata().setGeneration(2L);
    index.stored(promoted);

    assertThat(waiting("local")).containsExactly("second", "first");
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  void aRemovedJobLeavesEveryQueueAndAnUnknownOneChangesNothing() {
    GpuJob job = queued("train", TestJobs.T0);
    long version = storeAndReadVersion(job);

    index.removed(queued("never-stored", TestJobs.T0));
    assertThat(index.version("local")).isEqualTo(version);

    index.removed(job);
    assertThat(waiting("local")).isEmpty();
    assertThat(index.size()).isZero();
    assertThat(index.version("local")).isNotEqualTo(version);
  }

  @Test
  void versionsAreNeverReusedAcrossQueues() {
    index.stored(queued("a", TestJobs.T0));
    GpuJob other = queued("b", TestJobs.T0);
    other.getSpec().setProviderConfigRef(new ProviderConfigReference("other"));
    index.stored(other);

    assertThat(index.version("local")).isNotEqualTo(index.version("other"));
    assertThat(index.version("unknown")).isZero();
    assertThat(index.contents("unknown").waiting()).isEmpty();
  }
}
