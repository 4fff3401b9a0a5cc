package io.gpucompute.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.job.JobTiming;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.provider.local.LocalSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator, wired as in production ({@link GpuComputeOperator#start} with JOSDK's defaults, server-side apply
 * included), run in the test JVM against the control plane with its own client, a Local-provider state directory
 * and fast timings.
 */
final class InProcessOperator implements AutoCloseable {

  /** Poll every 0.5 s, retry after 0.5 s (doubling up to 2 s). */
  static final JobTiming FAST = new JobTiming(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(500),
      Duration.ofSeconds(2), Duration.ofSeconds(10));
  /** No such command: the Local provider uses the GPUs its ProviderConfig declares, whatever the host has. */
  static final String NO_NVIDIA_SMI = "gpucompute-e2e-no-nvidia-smi";

  private final KubernetesClient client;
  private final GpuComputeOperator operator;

  private InProcessOperator(KubernetesClient client, GpuComputeOperator operator) {
    this.client = client;
    this.operator = operator;
  }

  static InProcessOperator start(ControlPlane plane, Path stateDir) {
    OperatorSettings settings = new OperatorSettings(
        new LocalSettings(stateDir, NO_NVIDIA_SMI, Duration.ofSeconds(2)), FAST, Duration.ofSeconds(30), 0,
        Optional.empty(), "e2e");
    KubernetesClient client = plane.newClient();
    try {
      return new InProcessOperator(client, GpuComputeOperator.start(client, settings, Clock.systemUTC(), o -> {}));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  boolean healthy() {
    return operator.healthy();
  }

  @Override
  public void close() {
    try {
      operator.close();
    } finally {
      client.close();
    }
  }
}
