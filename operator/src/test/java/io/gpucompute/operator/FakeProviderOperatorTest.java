package io.gpucompute.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.RateLimit;
import io.gpucompute.job.JobCondition;
import io.gpucompute.job.JobReason;
import io.gpucompute.job.WorkloadSpecs;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.FakeGpuProvider;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.status.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator as production wires it, on the mock API server, with the in-memory {@link FakeGpuProvider} in place of
 * a real adapter: the queue, cleanup, error status and the read-after-write guard, in seconds and without processes.
 */
class FakeProviderOperatorTest {

  private static final String NS = "team-a";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path stateDir;

  private final FakeGpuProvider.Cloud cloud = new FakeGpuProvider.Cloud(List.of("A100"), 64);
  private MockCluster cluster;
  private KubernetesClient client;
  private GpuComputeOperator operator;

  /** Builds the fake for ProviderConfigs of type Kubernetes (whose own adapter this operator then lacks). */
  private final ProviderFactory fake = new ProviderFactory() {
    @Override
    public ProviderType type() {
      return ProviderType.Kubernetes;
    }

    @Override
    public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials) {
      return new FakeGpuProvider(cloud);
    }
  };

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    TestResources.createNamespace(client, NS, Map.of());
    operator = cluster.startOperator(MockCluster.fastSettings(stateDir), List.of(fake));
  }

  @AfterEach
  void stop() {
    cloud.setDown(false);
    cluster.deleteAllWorkAndAwait(WAIT);
    operator.close();
    cluster.close();
  }

  private void providerConfig(Integer maxConcurrentJobs) {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Kubernetes);
    spec.setMaxConcurrentJobs(maxConcurrentJobs);
    spec.setRateLimit(new RateLimit(1000, 1000, 64));
    ProviderConfig config = new ProviderConfig();
    config.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("fake").build());
    config.setSpec(spec);
    client.resource(config).create();
  }

  private GpuJob job(String name, String script) {
    return client.resource(TestResources.shellJob(NS, name, "fake", script, s -> {})).create();
  }

  private GpuJob awaitJob(String name, Predicate<GpuJobStatus> condition) {
    return cluster.awaitJob(NS, name, WAIT, condition);
  }

  private WorkloadKey key(GpuJob job, int attempt) {
    GpuJob current = client.resource(job).get();
    return WorkloadSpecs.key(current, attempt);
  }

  @Test
  void aFullProviderQueuesJobsInOrderAndStartsTheNextAsEachEnds() {
    providerConfig(1);
    List<GpuJob> jobs = IntStream.rangeClosed(1, 3).mapToObj(i -> job("queued-" + i, "sleep 60")).toList();
    awaitJob("queued-1", s -> s.getPhase() == JobPhase.Running);
    GpuJob second = awaitJob("queued-2", s -> s.getPhase() == JobPhase.Queued);
    GpuJob third = awaitJob("queued-3", s -> Integer.valueOf(2).equals(s.getQueuePosition()));

    assertThat(second.getStatus().getQueuePosition()).isEqualTo(1);
    assertThat(Conditions.find(third.getStatus().getConditions(), JobCondition.RECONCILING).orElseThrow().getReason())
        .isEqualTo(JobReason.PROVIDER_AT_CAPACITY.toString());
    assertThat(cloud.running()).hasSize(1);

    for (int i = 0; i < jobs.size(); i++) {
      String name = "queued-" + (i + 1);
      awaitJob(name, s -> s.getPhase() == JobPhase.Running);
      cloud.finish(key(jobs.get(i), 1), 0);
      awaitJob(name, s -> s.getPhase() == JobPhase.Succeeded && s.getWorkload().isReleased());
    }
    jobs.forEach(job -> assertThat(cloud.creates(key(job, 1))).isEqualTo(1));
  }

  @Test
  void aProviderThatFailsItsCallsKeepsItsJobsWaitingWithTheReasonAndNeverFailsThem() {
    providerConfig(null);
    GpuJob job = job("patient", "sleep 60");
    awaitJob("patient", s -> s.getPhase() == JobPhase.Running);

    cloud.setDown(true);
    GpuJob waiting = awaitJob("patient", s -> Conditions.find(s.getConditions(), JobCondition.RECONCILING)
        .map(c -> "FakeUnavailable".equals(c.getReason()) && c.getMessage().startsWith("retrying:")).orElse(false));
    assertThat(waiting.getStatus().getPhase()).isEqualTo(JobPhase.Running);
    cloud.setDown(false);
    cloud.finish(key(job, 1), 0);

    GpuJob done = awaitJob("patient", s -> s.getPhase() == JobPhase.Succeeded);
    assertThat(done.getStatus().getFailures()).isNull();
  }

  @Test
  void aJobDeletedWhileItsProviderIsDownKeepsItsFinalizerWithOneCountedEventUntilItCanLetGo() {
    providerConfig(null);
    GpuJob job = job("stuck", "sleep 60");
    awaitJob("stuck", s -> s.getPhase() == JobPhase.Running);
    WorkloadKey key = key(job, 1);

    cloud.setDown(true);
    client.resource(job).delete();
    await().atMost(WAIT).until(() -> cleanupEvents().stream().anyMatch(e -> e.getCount() >= 2));
    assertThat(cleanupEvents()).hasSize(1);
    assertThat(client.resource(job).get()).as("kept by its finalizer").isNotNull();

    cloud.setDown(false);
    await().atMost(WAIT).until(() -> client.resource(job).get() == null);
    assertThat(cloud.workload(key)).as("forgotten at the provider").isEmpty();
  }

  private List<Event> cleanupEvents() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> JobReason.CLEANUP_BLOCKED.toString().equals(e.getReason())).toList();
  }

  @Test
  void manyJobsEachCreateOneWorkloadPerAttemptWhateverTheCacheLagsBehind() {
    providerConfig(null);
    List<GpuJob> jobs = IntStream.rangeClosed(1, 20).mapToObj(i -> job("burst-" + i, "echo $GREETING")).toList();

    for (GpuJob job : jobs) {
      GpuJob done = awaitJob(job.getMetadata().getName(), s -> s.getPhase() == JobPhase.Succeeded
          && s.getWorkload().isReleased());
      assertThat(done.getStatus().getLogTail()).isEqualTo("hello\n");
      assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    }
    jobs.forEach(job -> assertThat(cloud.creates(key(job, 1))).as("creates of %s", job.getMetadata().getName())
        .isEqualTo(1));
  }
}
