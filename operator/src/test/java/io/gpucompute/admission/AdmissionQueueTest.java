package io.gpucompute.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.job.Admission;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue's ledger of reservations and releases that the informer cache does not show yet. */
class AdmissionQueueTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Capacity ONE_GPU = new Capacity(null, Map.of("A100", 1));

  private static QueueEntry job(String id, int secondsAfterT0) {
    return new QueueEntry(id, 0, T0.plusSeconds(secondsAfterT0), "A100", 1);
  }

  @Test
  void theQueueReservesWhatItAdmitsUntilTheCacheShowsIt() {
    AdmissionQueue queue = new AdmissionQueue();
    QueueEntry first = job("first", 0);
    QueueEntry second = job("second", 1);
        // Both reconciles read a cache in which neither job runs yet.
    AdmissionQueue.Snapshot stale = new AdmissionQueue.Snapshot(List.of(first, second), List.of(), ONE_GPU);

    assertThat(queue.admit("local", first, stale)).isInstanceOf(Admission.Admitted.class);
    assertThat(queue.admit("local", second, stale)).isInstanceOf(Admission.Waiting.class);

    // The first job is deleted before it starts: its reservation goes, and the second may take the GPU.
    queue.release("local", "first");
    AdmissionQueue.Snapshot firstGone = new AdmissionQueue.Snapshot(List.of(second), List.of(), ONE_GPU);
    assertThat(queue.admit("local", second, firstGone)).isInstanceOf(Admission.Admitted.class);
    assertThat(queue.reservations("local")).isEqualTo(1);
    AdmissionQueue.Snapshot caughtUp = new AdmissionQueue.Snapshot(List.of(), List.of(second), ONE_GPU);
    assertThat(queue.admit("local", first, caughtUp)).isInstanceOf(Admission.Waiting.class);
    assertThat(queue.reservations("local")).isZero();
  }

  @Test
  void aFreedGpuGoesToTheNextJobBeforeTheCacheShowsTheRelease() {
    AdmissionQueue queue = new AdmissionQueue();
    QueueEntry done = job("done", 0);
    QueueEntry next = job("next", 1);
    // The cache still shows the finished job holding the only GPU.
    AdmissionQueue.Snapshot stale = new AdmissionQueue.Snapshot(List.of(next), List.of(done), ONE_GPU);
    assertThat(queue.admit("local", next, stale)).isInstanceOf(Admission.Waiting.class);

    queue.freed("local", "done");

    assertThat(queue.admissible("local", stale)).containsExactly("next");
    assertThat(queue.admit("local", next, stale)).isInstanceOf(Admission.Admitted.class);
    assertThat(queue.admissible("local", stale)).as("a reserved job is not woken again").isEmpty();
  }

  @Test
  void aReleaseEndsOnceTheCacheNoLongerShowsTheJobActive() {
    AdmissionQueue queue = new AdmissionQueue();
    QueueEntry retried = job("retried", 0);
    QueueEntry other = job("other", 1);
    queue.freed("local", "retried");
    // The cache caught up: the job is back in the queue (a retry), no longer active.
    AdmissionQueue.Snapshot caughtUp = new AdmissionQueue.Snapshot(List.of(retried, other), List.of(), ONE_GPU);
    assertThat(queue.admit("local", retried, caughtUp)).isInstanceOf(Admission.Admitted.class);

    // Its new attempt holds the GPU: it counts again, so the other job waits.
    AdmissionQueue.Snapshot running = new AdmissionQueue.Snapshot(List.of(other), List.of(retried), ONE_GPU);
    assertThat(queue.admit("local", other, running)).isInstanceOf(Admission.Waiting.class);
    assertThat(queue.admissible("local", running)).isEmpty();
  }

  @Test
  void aPlanAnswersTheNextAskersUntilSomethingChanges() {
    AdmissionQueue queue = new AdmissionQueue();
    QueueEntry running = job("running", -60);
    QueueEntry first = job("first", 0);
    QueueEntry second = job("second", 1);
    AdmissionQueue.Snapshot full = new AdmissionQueue.Snapshot(List.of(first, second), List.of(running), ONE_GPU);
    java.util.concurrent.atomic.AtomicInteger plans = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Supplier<AdmissionQueue.Snapshot> counted = () -> {
      plans.incrementAndGet();
      return full;
    };

    assertThat(queue.admit("local", first, 7L, counted, T0)).isInstanceOf(Admission.Waiting.class);
    assertThat(queue.admit("local", second, 7L, counted, T0.plusMillis(10))).isInstanceOf(Admission.Waiting.class);
    assertThat(plans).as("the second asker reused the first plan").hasValue(1);

    assertThat(queue.admit("local", second, 8L, counted, T0.plusMillis(20))).isInstanceOf(Admission.Waiting.class);
    assertThat(plans).as("the jobs changed").hasValue(2);
    queue.admit("local", second, 8L, counted, T0.plus(AdmissionQueue.PLAN_REUSE).plusMillis(20));
    assertThat(plans).as("the plan is too old").hasValue(3);
  }

  @Test
  void aReservationMakesTheNextAskerPlanAfresh() {
    AdmissionQueue queue = new AdmissionQueue();
    QueueEntry first = job("first", 0);
    QueueEntry second = job("second", 1);
    QueueEntry third = job("third", 2);
    Capacity twoGpus = new Capacity(null, Map.of("A100", 2));
    AdmissionQueue.Snapshot free = new AdmissionQueue.Snapshot(List.of(first, second, third), List.of(), twoGpus);
    java.util.concurrent.atomic.AtomicInteger plans = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Supplier<AdmissionQueue.Snapshot> counted = () -> {
      plans.incrementAndGet();
      return free;
    };

    assertThat(queue.admit("local", first, 1L, counted, T0)).isInstanceOf(Admission.Admitted.class);
    assertThat(queue.admit("local", second, 1L, counted, T0)).isInstanceOf(Admission.Admitted.class);
    assertThat(queue.admit("local", third, 1L, counted, T0)).isInstanceOf(Admission.Waiting.class);
    assertThat(plans).as("each reservation changed the queue").hasValue(3);
    assertThat(queue.reservations("local")).isEqualTo(2);
  }
}
