package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.admission.QueueEntry;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigStatus;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.status.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobQueuesTest {

  private static final Instant NOW = TestJobs.T0.plusSeconds(60);

  private final QueueIndex index = new QueueIndex();
  private final AdmissionQueue admission = new AdmissionQueue();
  private final List<String> woken = new ArrayList<>();
  private final ProviderConfig local = config("local", 2);
  private final JobQueues queues = new JobQueues(admission, index, Clock.fixed(NOW, ZoneOffset.UTC), () -> null,
      name -> Optional.of(local), job -> woken.add(job.getMetadata().getName()));

  /** A ProviderConfig offering {@code gpus} A100s. */
  private static ProviderConfig config(String name, int gpus) {
    ProviderConfig pc = new ProviderConfig();
    pc.setMetadata(new ObjectMetaBuilder().withName(name).withUid("uid-" + name).withResourceVersion("7").build());
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Local);
    pc.setSpec(spec);
    ProviderConfigStatus status = new ProviderConfigStatus();
    status.getOffers().add(new GpuOffer("A100", "A100", gpus, 80, "1"));
    pc.setStatus(status);
    return pc;
  }

  private static GpuJob queued(String name, int secondsAfterT0, int position) {
    GpuJob job = TestJobs.withStatus(TestJobs.job(s -> s.setGpu(GpuRequest.of("A100", 1))), s -> {
      s.setPhase(JobPhase.Queued);
      s.setQueuePosition(position);
    });
    job.getMetadata().setName(name);
    job.getMetadata().setCreationTimestamp(Timestamps.format(TestJobs.T0.plusSeconds(secondsAfterT0)));
    return job;
  }

  private static GpuJob running(String name) {
    GpuJob job = TestJobs.running(s -> s.setGpu(GpuRequest.of("A100", 1)), 1, TestJobs.T0);
    job.getMetadata().setName(name);
    return job;
  }

  private static GpuJob anywhere(String name, int secondsAfterT0) {
    GpuJob job = queued(name, secondsAfterT0, 9);
    job.getSpec().setProviderConfigRef(null);
    return job;
  }

  @Test
  void aQueueMergesItsOwnJobsAndThoseAnyProviderConfigMayTakeInQueueOrder() {
    index.stored(queued("own-1", 1, 1));
    index.stored(anywhere("any-2", 2));
    index.stored(queued("own-3", 3, 3));
    index.stored(running("busy"));

    JobQueues.Read read = queues.read(local, NOW);

    assertThat(read.waiting()).extracting(m -> m.job().getMetadata().getName())
        .containsExactly("own-1", "any-2", "own-3");
    assertThat(read.snapshot().waiting()).extracting(QueueEntry::id)
        .containsExactly("team-a/own-1", "team-a/any-2", "team-a/own-3");
    assertThat(read.snapshot().active()).extracting(QueueEntry::id).containsExactly("team-a/busy");
    assertThat(read.snapshot().capacity().gpusByType()).containsEntry("A100", 2);
  }

  @Test
  void aJobBackingOffOrAskingForAGpuTypeTheProviderConfigDoesNotOfferIsLeftOut() {
    GpuJob backingOff = queued("backing-off", 1, 1);
    backingOff.getStatus().setRetryAfter(Timestamps.format(NOW.plusSeconds(1)));
    GpuJob retried = queued("retried", 2, 2);
    retried.getStatus().setRetryAfter(Timestamps.format(NOW));
    GpuJob h100 = queued("h100", 3, 3);
    h100.getSpec().setGpu(GpuRequest.of("H100", 1));
    List.of(backingOff, retried, h100).forEach(index::stored);

    assertThat(queues.read(local, NOW).waiting()).extracting(m -> m.job().getMetadata().getName())
        .containsExactly("retried");
  }

  @Test
  void theFingerprintChangesWithTheQueuesMembershipAndTheProviderConfigButNotWithAPositionWrite() {
    index.stored(queued("own-1", 1, 1));
    long before = queues.fingerprint(local);

    index.stored(queued("own-1", 1, 4));
    assertThat(queues.fingerprint(local)).isEqualTo(before);

    index.stored(anywhere("any-2", 2));
    long withAny = queues.fingerprint(local);
    assertThat(withAny).isNotEqualTo(before);

    local.getMetadata().setResourceVersion("8");
    assertThat(queues.fingerprint(local)).isNotEqualTo(withAny);
  }

  @Test
  void aHandOffWakesTheJobsThatCanStartNowAndRefreshesThePositionsAtTheHead() {
    index.stored(running("busy-1"));
    index.stored(running("busy-2"));
    index.stored(queued("next", 1, 1));
    index.stored(queued("after", 2, 2));
    index.stored(queued("deep", 3, JobQueues.FRESH_POSITIONS + 1));

    queues.handOff(running("busy-1"), "local");

    assertThat(woken).as("the next job first, then the head's positions").containsExactly("next", "after");
  }

  @Test
  void aHandOffWithNoJobQueuedWakesNoOne() {
    index.stored(running("busy-1"));
    index.stored(TestJobs.withStatus(TestJobs.job(s -> s.setGpu(GpuRequest.of("A100", 1))),
        s -> s.setPhase(JobPhase.Pending)));

    queues.handOff(running("busy-1"), "local");

    assertThat(woken).isEmpty();
  }
}
