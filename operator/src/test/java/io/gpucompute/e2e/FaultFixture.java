package io.gpucompute.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.operator.TestResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The stage of a fault-injection test: a namespace of its own, and the operator as its own process, which a test can
 * kill with SIGKILL and start again on the same Local state directory. {@link #close} deletes the test's jobs (with
 * an operator running, so their finalizers let go of every workload), its ProviderConfigs and its namespace, and
 * leaves no operator process behind.
 */
public final class FaultFixture implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration READY = Duration.ofSeconds(90);

  private final ControlPlane plane;
  private final KubernetesClient client;
  private final String namespace;
  private final Path stateDir;
  private final Map<String, String> environment;
  private OperatorProcess operator;
  private int starts;

  private FaultFixture(ControlPlane plane, String namespace, Path stateDir, Map<String, String> environment) {
    this.plane = plane;
    this.client = plane.newClient();
    this.namespace = namespace;
    this.stateDir = stateDir;
    this.environment = environment;
  }

  /**
   * A namespace {@code prefix-<random>} (labelled with its name, for selectors) and an operator process with fast
   * timings, the Local provider's state in {@code stateDir}, and {@code extraEnvironment} on top.
   */
  public static FaultFixture start(ControlPlane plane, String prefix, Path stateDir,
      Map<String, String> extraEnvironment) {
    String namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> environment = OperatorProcess.fastEnvironment(stateDir);
    environment.putAll(extraEnvironment);
    FaultFixture fixture = new FaultFixture(plane, namespace, stateDir, environment);
    TestResources.createNamespace(fixture.client, namespace, Map.of("kubernetes.io/metadata.name", namespace));
    fixture.startOperator();
    return fixture;
  }

  public KubernetesClient client() {
    return client;
  }

  public String namespace() {
    return namespace;
  }

  public Path stateDir() {
    return stateDir;
  }

  public OperatorProcess operator() {
    return operator;
  }

  /** Starts an operator process (the previous one must be gone) and waits until it is ready. */
  public OperatorProcess startOperator() {
    starts++;
    operator = OperatorProcess.start(plane.kubeconfig(), namespace + "-operator-" + starts, environment);
    operator.awaitReady(READY);
    return operator;
  }

  /** SIGKILL: the operator dies at once, in whatever it was doing. */
  public void killOperator() {
    operator.sigkill();
  }

  public GpuJob job(String name) {
    return client.resources(GpuJob.class).inNamespace(namespace).withName(name).get();
  }

  public GpuJob create(GpuJob job) {
    return client.resource(job).create();
  }

  /** Waits until job {@code name} has a status that satisfies {@code condition}, and returns it. */
  public GpuJob awaitJob(String name, String what, Predicate<GpuJobStatus> condition) {
    return await("GpuJob " + namespace + "/" + name + " " + what).atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> job(name), j -> j != null && j.getStatus() != null && condition.test(j.getStatus()));
  }

  /** The name of attempt {@code attempt}'s workload of {@code job} at any provider. */
  public static String workloadName(GpuJob job, int attempt) {
    return "gpujob-" + job.getMetadata().getUid() + "-" + attempt;
  }

  /**
   * Deletes the test's jobs while an operator runs (starting one if the test left none), then its ProviderConfigs
   * (the given names) and its namespace; stops the operator.
   */
  public void close(String... providerConfigs) {
    try {
      if (operator == null || !operator.alive()) {
        startOperator();
      }
      client.resources(GpuJob.class).inNamespace(namespace).delete();
      await("every GpuJob of " + namespace + " deleted").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> client.resources(GpuJob.class).inNamespace(namespace).list().getItems().isEmpty());
      for (String name : providerConfigs) {
        client.resources(ProviderConfig.class).withName(name).delete();
      }
      await("the test's ProviderConfigs deleted").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> java.util.Arrays.stream(providerConfigs)
              .allMatch(name -> client.resources(ProviderConfig.class).withName(name).get() == null));
      client.namespaces().withName(namespace).delete();
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    try {
      if (operator != null) {
        operator.close();
      }
    } finally {
      client.close();
    }
  }
}
