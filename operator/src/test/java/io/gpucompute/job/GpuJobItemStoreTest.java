package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.kube.StringPool;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GpuJob cache keeps what each job says, in less memory. */
class GpuJobItemStoreTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A job as a watch delivers it: freshly read, every string its own copy. */
  private static GpuJob read(String name) {
    GpuJob job = TestJobs.running(s -> {}, 1, TestJobs.T0);
    job.getMetadata().setName(name);
    job.getMetadata().setUid("uid-" + name);
    job.getMetadata().setFinalizers(new java.util.ArrayList<>(List.of("gpujobs.gpucompute.io/finalizer")));
    job.getMetadata().setManagedFields(List.of(new ManagedFieldsEntry()));
    job.getStatus().setMessage("attempt 1 is running");
    job.getStatus().setConditions(List.of(condition("Running", "True"), condition("Complete", "False")));
    return JSON.unmarshal(JSON.asJson(job), GpuJob.class);
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(String type, String status) {
    return new io.fabric8.kubernetes.api.model.ConditionBuilder().withType(type).withStatus(status)
        .withReason("WorkloadRunning").withMessage("attempt 1 is running")
        .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(1L).build();
  }

  @Test
  void aStoredJobSaysWhatItSaidWithoutManagedFields() {
    GpuJob job = read("a");
    GpuJob expected = read("a");
    expected.getMetadata().setManagedFields(null);

    new GpuJobItemStore().put("ns/a", job);

    assertThat(JSON.asJson(job)).isEqualTo(JSON.asJson(expected));
    assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Running);
  }

  @Test
  void stringsThatJobsRepeatAreSharedAndAJobsOwnRepeatsToo() {
    StringPool pool = new StringPool(100);
    GpuJob first = read("a");
    GpuJob second = read("b");

    GpuJobItemStore.compact(first, pool);
    GpuJobItemStore.compact(second, pool);

    assertThat(second.getStatus().getConditions().get(0).getType())
        .isSameAs(first.getStatus().getConditions().get(0).getType());
    assertThat(second.getMetadata().getNamespace()).isSameAs(first.getMetadata().getNamespace());
    assertThat(first.getStatus().getConditions()).allSatisfy(c -> assertThat(c.getMessage())
        .isSameAs(first.getStatus().getMessage()));
  }

  @Test
  void aFullPoolHandsStringsBackAsTheyAre() {
    StringPool pool = new StringPool(1);
    String kept = pool.of(new String("kept"));

    assertThat(pool.of(new String("kept"))).isSameAs(kept);
    String other = new String("other");
    assertThat(pool.of(other)).isSameAs(other);
    assertThat(pool.size()).isEqualTo(1);
  }
}
