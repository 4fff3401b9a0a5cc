package io.gpucompute.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.job.JobTiming;
import io.gpucompute.job.TestTimings;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.provider.local.LocalSettings;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The operator, wired as in production ({@link GpuComputeOperator#start} with JOSDK's defaults, server-side apply
 * included), run in the test JVM against the control plane with its own client, a Local-provider state directory
 * and fast timings.
 */
final class InProcessOperator implements AutoCloseable {

  /** Poll every 0.5 s, retry after 0.5 s (doubling up to 2 s): {@link TestTimings#FAST}. */
  static final JobTiming FAST = TestTimings.FAST;
  /** No such command: the Local provider uses the GPUs its ProviderConfig declares, whatever the host has. */
  static final String NO_NVIDIA_SMI = "gpucompute-e2e-no-nvidia-smi";

  private final KubernetesClient client;
  private final GpuComputeOperator operator;

  private InProcessOperator(KubernetesClient client, GpuComputeOperator operator) {
    this.client = client;
    this.operator = operator;
  }

  static InProcessOperator start(ControlPlane plane, Path stateDir) {
    return start(plane, LocalSettings.enabled(stateDir, NO_NVIDIA_SMI, Duration.ofSeconds(2)));
  }

  /** Like {@link #start(ControlPlane, Path)}, with these Local settings (Local off, or its jobs as other users). */
  static InProcessOperator start(ControlPlane plane, LocalSettings local) {
    OperatorSettings settings = new OperatorSettings(local, FAST, Duration.ofSeconds(30), 0, Optional.empty(),
        Optional.empty(), "e2e");
    KubernetesClient client = plane.newClient();
    try {
      return new InProcessOperator(client, GpuComputeOperator.start(client, settings, Clock.systemUTC(), o -> {}));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Like {@link #start(ControlPlane, Path)}, on {@code client} (which this closes), with leader election on a Lease in
   * {@code leaseNamespace} when present: the production wiring under someone else's credentials.
   */
  static InProcessOperator startWith(KubernetesClient client, Path stateDir, Optional<String> leaseNamespace,
      String identity) {
    OperatorSettings settings = new OperatorSettings(
        LocalSettings.enabled(stateDir, NO_NVIDIA_SMI, Duration.ofSeconds(2)), FAST, Duration.ofSeconds(30), 0,
        Optional.empty(), leaseNamespace, identity);
    // The same Lease as production, but closing this operator must not end the test JVM: JOSDK's default is to
    // exit the process when it stops leading (so that a pod restarts as a follower).
    Consumer<ConfigurationServiceOverrider> noExit = o -> leaseNamespace.ifPresent(ns -> o
        .withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(GpuComputeOperator.LEASE_NAME).withLeaseNamespace(ns)
            .withIdentity(identity).withExitOnStopLeading(false).build()));
    try {
      return new InProcessOperator(client, GpuComputeOperator.start(client, settings, Clock.systemUTC(), noExit));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** What {@code /metrics} would serve now. */
  String metrics() {
    return operator.metrics().scrape();
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
