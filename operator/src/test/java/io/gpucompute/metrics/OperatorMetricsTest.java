package io.gpucompute.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private static GpuJob job() {
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder().withName("j").withNamespace("ns")
        .withCreationTimestamp(CREATED.toString()).build());
    return job;
  }

  private static GpuJobStatus status(JobPhase phase, Integer attempts, String settled) {
    GpuJobStatus s = new GpuJobStatus();
    s.setPhase(phase);
    s.setAttempts(attempts);
    s.setSettledCost(settled);
    s.setProvider("Local/local");
    return s;
  }

  private static double cost(OperatorMetrics metrics) {
    var counter = metrics.registry().find("gpucompute.job.cost.usd").tags("namespace", "ns", "provider", "Local/local")
        .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void costGrowsByTheSettledDifferenceAndARestartDoesNotCountAgain() {
    OperatorMetrics metrics = new OperatorMetrics();
    metrics.decided(job(), status(JobPhase.Running, 1, null), status(JobPhase.Queued, 1, "0.50"), CREATED);
    metrics.decided(job(), status(JobPhase.Running, 2, "0.50"), status(JobPhase.Succeeded, 2, "1.25"), CREATED);
    assertThat(cost(metrics)).isEqualTo(1.25);
    // Nothing new settled: nothing counted.
    metrics.decided(job(), status(JobPhase.Succeeded, 2, "1.25"), status(JobPhase.Succeeded, 2, "1.25"), CREATED);
    assertThat(cost(metrics)).isEqualTo(1.25);

    // A new process starts from the stored status: the same attempts are not counted again.
    OperatorMetrics restarted = new OperatorMetrics();
    restarted.decided(job(), status(JobPhase.Succeeded, 2, "1.25"), status(JobPhase.Succeeded, 2, "1.25"), CREATED);
    assertThat(cost(restarted)).isZero();
  }

  @Test
  void queueWaitIsRecordedWhenAnAttemptIsSubmitted() {
    OperatorMetrics metrics = new OperatorMetrics();
    metrics.decided(job(), null, status(JobPhase.Queued, null, null), CREATED.plusSeconds(1));
    metrics.decided(job(), status(JobPhase.Queued, null, null), status(JobPhase.Submitting, 1, null),
        CREATED.plusSeconds(7));
    var timer = metrics.registry().find("gpucompute.queue.wait").timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(7.0);
  }

  @Test
  void providerCallsAreTimedWithTheirOutcome() throws Exception {
    OperatorMetrics metrics = new OperatorMetrics();
    GpuProvider metered = metrics.meter("RunPod/rp", new GpuProvider() {
      @Override public ProbeResult probe() { return null; }
      @Override public List<Offer> offers() { return List.of(); }
      @Override public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
        throw new ProviderException.Transient("Timeout", "slow", null);
      }
      @Override public Observation observe(WorkloadKey key) { return null; }
      @Override public void cancel(WorkloadKey key) {}
    });
    metered.offers();
    assertThatThrownBy(() -> metered.submit(null)).isInstanceOf(ProviderException.Transient.class);
    assertThat(metrics.registry().find("gpucompute.provider.requests")
        .tags("provider", "RunPod/rp", "operation", "offers", "outcome", "success").timer().count()).isEqualTo(1);
    assertThat(metrics.registry().find("gpucompute.provider.requests")
        .tags("provider", "RunPod/rp", "operation", "submit", "outcome", "Transient").timer().count()).isEqualTo(1);
  }
}
