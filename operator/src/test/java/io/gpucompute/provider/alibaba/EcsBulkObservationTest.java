package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProvider.WorkloadRef;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AlibabaECS adapter's bulk observation ({@link GpuProvider#observeAll}), counted at {@link EcsStub}: one
 * DescribeInstances per page of 100 of the ProviderConfig's instances, and the Cloud Assistant reads of the running
 * ones together (one RunCommand per {@value EcsApi#MAX_COMMAND_INSTANCES} instances, one DescribeInvocationResults
 * per invocation), never a call per instance; what it says of each workload next to what
 * {@link GpuProvider#observe} says; and what a failed call leaves out. The many instances are put into the stub's
 * ledger unbooted (no job runs on them), so that the test costs no RunInstances per instance.
 */
class EcsBulkObservationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONFIG = "alibaba";

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

  private final List<WorkloadKey> keys = new ArrayList<>();
  private final List<EcsStub.Instance> unbooted = new ArrayList<>();
  private final List<GpuProvider> providers = new ArrayList<>();
  private Map<WorkloadKey, Observation> observed;

  @AfterEach
  void releaseEverything() throws ProviderException {
    unbooted.forEach(ecs.stub()::release);
    GpuProvider cleaner = provider();
    for (WorkloadKey key : keys) {
      cleaner.cancel(key);
    }
    providers.forEach(GpuProvider::close);
  }

  /** An adapter of a fresh factory: no Cloud Assistant read in flight, as after an operator restart. */
  private GpuProvider provider() throws ProviderException {
    GpuProvider provider = new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS)
        .create(CONFIG, AlibabaTestSupport.spec(ecs.stub(), a -> {}), AlibabaTestSupport.credentials());
    providers.add(provider);
    return provider;
  }

  /** {@code count} instances of this ProviderConfig, tagged as the adapter tags them, on which no job runs. */
  private List<WorkloadRef> unbootedInstances(int count) {
    List<WorkloadRef> refs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      WorkloadKey key = AlibabaTestSupport.newKey("idle");
      EcsStub.Instance instance = ecs.stub().addUnbooted(Map.of(EcsApi.TAG_WORKLOAD, key.workloadName(),
          EcsApi.TAG_PROVIDER_CONFIG, CONFIG, EcsApi.TAG_MANAGED_BY, EcsApi.OPERATOR));
      unbooted.add(instance);
      refs.add(new WorkloadRef(key, instance.id));
    }
    return refs;
  }

  /** Three unbooted instances that {@code provider} has seen come up: Running at ECS, no read of theirs in flight. */
  private List<WorkloadRef> threeUpFor(GpuProvider provider) throws ProviderException {
    List<WorkloadRef> refs = unbootedInstances(3);
    assertThat(provider.observeAll(refs).values()).extracting(Observation::state).containsOnly(WorkloadState.PENDING);
    return refs;
  }

  private WorkloadRef submit(GpuProvider provider, String script) throws ProviderException {
    WorkloadKey key = AlibabaTestSupport.newKey("bulk");
    keys.add(key);
    return new WorkloadRef(key, provider.submit(AlibabaTestSupport.shell(key, script)).externalId());
  }

  /** A call to the adapter that the test counts at the stub. */
  @FunctionalInterface
  private interface Observing {
    Map<WorkloadKey, Observation> observe() throws ProviderException;
  }

  /** The stub's calls, by action, that {@code observing} made; its answer goes to {@link #observed}. */
  private Map<String, Long> callsOf(Observing observing) throws ProviderException {
    int before = ecs.stub().actions().size();
    observed = observing.observe();
    List<String> actions = ecs.stub().actions();
    Map<String, Long> calls = new TreeMap<>();
    actions.subList(before, actions.size()).forEach(action -> calls.merge(action, 1L, Long::sum));
    return calls;
  }

  private void assertAll(List<WorkloadRef> refs, WorkloadState state) {
    assertThat(observed).hasSize(refs.size());
    refs.forEach(ref -> assertThat(observed.get(ref.key())).satisfies(o -> {
      assertThat(o.state()).isEqualTo(state);
      assertThat(o.externalId()).isEqualTo(ref.recordedId());
    }));
  }

  private void awaitReadsDone() {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> ecs.stub().commandsRunning() == 0);
  }

  @Test
  void twoHundredFiftyInstancesCostAListingPerPageAndCloudAssistantCallsPerFifty() throws ProviderException {
    GpuProvider provider = provider();
    List<WorkloadRef> refs = unbootedInstances(250);

    // The instances come up: Pending in this listing, so no Cloud Assistant read yet.
    assertThat(callsOf(() -> provider.observeAll(refs))).containsExactly(entry("DescribeInstances", 3L));
    assertAll(refs, WorkloadState.PENDING);

    // Running now: their reads start, 50 instances per RunCommand.
    assertThat(callsOf(() -> provider.observeAll(refs)))
        .containsExactly(entry("DescribeInstances", 3L), entry("RunCommand", 5L));
    assertAll(refs, WorkloadState.RUNNING);
    awaitReadsDone();

    // Nothing changed: the reads are collected, one call per invocation, and the next ones start.
    assertThat(callsOf(() -> provider.observeAll(refs))).containsExactly(entry("DescribeInstances", 3L),
        entry("DescribeInvocationResults", 5L), entry("RunCommand", 5L));
    assertAll(refs, WorkloadState.RUNNING);
    observed.values().forEach(o -> assertThat(o.logTail()).as("no tail while running, in bulk").isNull());
  }

  @Test
  void inBulkEachWorkloadIsWhatObservingItSaysLessTheLogTailWhileItRuns() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadRef running = submit(provider, "echo working; sleep 300");
    WorkloadRef finished = submit(provider, "echo done; exit 4");
    WorkloadRef releasedElsewhere = submit(provider, "sleep 300");
    WorkloadRef unknown = new WorkloadRef(AlibabaTestSupport.newKey("unknown"), null);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> provider.observe(running.key()).logTail(),
        tail -> tail != null && tail.contains("working"));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(finished.key()).state() == WorkloadState.FAILED);
    ecs.stub().release(ecs.stub().instancesOf(releasedElsewhere.key().workloadName()).get(0));

    Map<String, Long> calls = callsOf(() -> provider.observeAll(List.of(running, finished, releasedElsewhere,
        unknown)));

    assertThat(calls).as("one page, and one look-up of each workload the listing does not show")
        .containsEntry("DescribeInstances", 3L);
    Observation runningNow = provider.observe(running.key());
    assertThat(runningNow.state()).isEqualTo(WorkloadState.RUNNING);
    assertThat(runningNow.logTail()).contains("working");
    assertThat(observed.get(running.key())).isEqualTo(runningNow.withoutLogTailWhileHeld());
    assertThat(observed.get(finished.key())).isEqualTo(provider.observe(finished.key()));
    assertThat(observed.get(finished.key()).exitCode()).isEqualTo(4);
    assertThat(observed.get(finished.key()).logTail()).contains("done");
    assertThat(observed.get(releasedElsewhere.key())).isEqualTo(Observation.notFound())
        .isEqualTo(provider.observe(releasedElsewhere.key()));
    assertThat(observed.get(unknown.key())).isEqualTo(Observation.notFound());
  }

  @Test
  void whenEcsRefusesABatchOfReadsTheyStartOneByOne() throws ProviderException {
    GpuProvider provider = provider();
    List<WorkloadRef> refs = threeUpFor(provider);
    ecs.stub().failNext("RunCommand", 400, "InstanceNotRunning", "The specified instance is not running.");

    assertThat(callsOf(() -> provider.observeAll(refs)))
        .containsExactly(entry("DescribeInstances", 1L), entry("RunCommand", 4L));
    assertAll(refs, WorkloadState.RUNNING);
    awaitReadsDone();

    assertThat(callsOf(() -> provider.observeAll(refs))).as("the three reads are collected, and started together")
        .containsExactly(entry("DescribeInstances", 1L), entry("DescribeInvocationResults", 3L),
            entry("RunCommand", 1L));
    assertAll(refs, WorkloadState.RUNNING);
  }

  @Test
  void aWorkloadWhoseReadFailedIsLeftOutAndObservedAgainNextRound() throws ProviderException {
    GpuProvider provider = provider();
    List<WorkloadRef> refs = threeUpFor(provider);
    ecs.stub().failNext("RunCommand", 503, "ServiceUnavailable", "The request has failed due to a temporary failure.");

    assertThat(provider.observeAll(refs)).as("not NOT_FOUND: left out, so the operator keeps what it knew").isEmpty();

    observed = provider.observeAll(refs);
    assertAll(refs, WorkloadState.RUNNING);
    awaitReadsDone();
    ecs.stub().failNext("DescribeInvocationResults", 503, "ServiceUnavailable", "The request has failed due to a "
        + "temporary failure.");

    assertThat(provider.observeAll(refs)).isEmpty();
  }

  @Test
  void whenTheListingFailsNothingIsObserved() throws ProviderException {
    GpuProvider provider = provider();
    List<WorkloadRef> refs = unbootedInstances(2);
    ecs.stub().failNext("DescribeInstances", 503, "ServiceUnavailable", "The request has failed due to a temporary "
        + "failure.");

    assertThatThrownBy(() -> provider.observeAll(refs)).isInstanceOf(ProviderException.Transient.class);
  }
}
