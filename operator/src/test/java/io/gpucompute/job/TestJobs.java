package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfigReference;
import io.gpucompute.status.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Builds GpuJobs for pure tests. */
final class TestJobs {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private TestJobs() {}

  static GpuJob job(Consumer<GpuJobSpec> spec) {
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder().withName("train").withNamespace("team-a").withUid("uid-1")
        .withGeneration(1L).withCreationTimestamp(Timestamps.format(T0)).build());
    GpuJobSpec s = new GpuJobSpec();
    s.setProviderConfigRef(new ProviderConfigReference("local"));
    s.setImage("busybox");
    s.setCommand(List.of("echo", "hi"));
    s.setGpu(GpuRequest.of("A100", 2));
    spec.accept(s);
    job.setSpec(s);
    return job;
  }

  static GpuJob job() {
    return job(s -> {});
  }

  /** A job whose status has been through {@link JobDecider} to reach {@code phase}-like state. */
  static GpuJob withStatus(GpuJob job, Consumer<GpuJobStatus> status) {
    GpuJobStatus s = new GpuJobStatus();
    s.setPhase(JobPhase.Pending);
    status.accept(s);
    job.setStatus(s);
    return job;
  }

  /** The uid of the ProviderConfig {@code local} of these tests. */
  static final String LOCAL_UID = "pc-uid-local";

  /** A job running attempt {@code attempt} since {@code since} on ProviderConfig local, priced at 2 USD/h per GPU. */
  static GpuJob running(Consumer<GpuJobSpec> spec, int attempt, Instant since) {
    return withStatus(job(spec), s -> {
      s.setPhase(JobPhase.Running);
      s.setAttempts(attempt);
      s.setWorkload(new AttemptRecord(attempt, "gpujob-uid-1-" + attempt, "local", LOCAL_UID, null));
      s.setExternalId("pid:42");
      s.setStartTime(Timestamps.format(since));
      s.setAttemptStartTime(Timestamps.format(since));
      s.setPricePerHour("4");
      s.setSettledCost("0.000000");
      s.setAccruedCost("0.000000");
    });
  }
}
