package io.gpucompute.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.job.JobTiming;
import io.gpucompute.job.TestTimings;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.provider.local.LocalProviderFactory;
import io.gpucompute.provider.local.LocalSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * fabric8's mock API server in CRUD mode with the gpucompute.io CRDs installed, for reconciler tests that run the
 * operator as production wires it. The mock server does not speak server-side apply, so the operator patches with
 * JSON patches here, and parses resource versions to read its own writes.
 */
public final class MockCluster implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockCluster(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts a mock server and installs the CRDs. */
  public static MockCluster start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient client = server.createClient();
    TestResources.installCrds(client);
    // The operator takes its installation id from this namespace's uid, as in a real cluster.
    TestResources.createNamespace(client, "kube-system", java.util.Map.of());
    return new MockCluster(server, client);
  }

  public KubernetesClient client() {
    return client;
  }

  /** Test timings ({@link TestTimings#FAST}) and a Local provider that uses declared GPUs only. */
  public static OperatorSettings fastSettings(Path localStateDir) {
    JobTiming fast = TestTimings.FAST;
    return new OperatorSettings(LocalSettings.enabled(localStateDir, "gpucompute-test-no-nvidia-smi", Duration.ofSeconds(2)),
        fast, Duration.ofSeconds(30), 0, Optional.empty(), Optional.empty(), "test");
  }

  /** Starts the operator on this mock server with the default providers. */
  public GpuComputeOperator startOperator(OperatorSettings settings) {
    return GpuComputeOperator.start(client, settings, Clock.systemUTC(), MockCluster::configureForMockServer);
  }

  /** Starts the operator on this mock server with the given providers. */
  public GpuComputeOperator startOperator(OperatorSettings settings, List<ProviderFactory> factories) {
    return GpuComputeOperator.start(client, settings, Clock.systemUTC(), MockCluster::configureForMockServer, factories);
  }

  /**
   * Starts the operator with {@link #fastSettings} on {@code localStateDir}, and with two providers: Local and
   * {@code cloud} (the adapter a test is about, pointed at its stub through the ProviderConfig's endpoint).
   */
  public GpuComputeOperator startOperatorWithLocalAnd(Path localStateDir, ProviderFactory cloud) {
    OperatorSettings settings = fastSettings(localStateDir);
    return startOperator(settings, List.of(new LocalProviderFactory(settings.local()), cloud));
  }

  private static void configureForMockServer(io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider o) {
    o.withUseSSAToPatchPrimaryResource(false).checkingCRDAndValidateLocalModel(false).withParseResourceVersions(true);
  }

  /** Waits until GpuJob {@code namespace/name} has a status that satisfies {@code condition}, and returns it. */
  public GpuJob awaitJob(String namespace, String name, Duration timeout, Predicate<GpuJobStatus> condition) {
    return await().atMost(timeout).until(() -> client.resources(GpuJob.class).inNamespace(namespace).withName(name).get(),
        job -> job != null && job.getStatus() != null && condition.test(job.getStatus()));
  }

  /** Waits until ProviderConfig {@code name} has a status and satisfies {@code condition}, and returns it. */
  public ProviderConfig awaitProviderConfig(String name, Duration timeout, Predicate<ProviderConfig> condition) {
    return await().atMost(timeout).until(() -> client.resources(ProviderConfig.class).withName(name).get(),
        pc -> pc != null && pc.getStatus() != null && condition.test(pc));
  }

  /**
   * Deletes every GpuDag and GpuJob and waits until they are gone. The operator's finalizers run first, so no
   * workload a test started is left running (no process, pod or instance) when the test ends.
   */
  public void deleteAllWorkAndAwait(Duration timeout) {
    client.resources(GpuDag.class).inAnyNamespace().delete();
    client.resources(GpuJob.class).inAnyNamespace().delete();
    await("every GpuDag and GpuJob deleted (the operator's finalizers done)").atMost(timeout)
        .until(() -> client.resources(GpuJob.class).inAnyNamespace().list().getItems().isEmpty()
            && client.resources(GpuDag.class).inAnyNamespace().list().getItems().isEmpty());
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
