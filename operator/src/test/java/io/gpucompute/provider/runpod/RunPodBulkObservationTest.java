package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProvider.WorkloadRef;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod adapter's bulk observation ({@link GpuProvider#observeAll}) at the scale of many jobs, counted at
 * {@link RunPodStub}: one {@code myself { pods }} query for all of them, whatever their number, plus one log read per
 * pod whose container has started (RunPod shows the end of a command only in the pod's log); and what it says of
 * each workload next to what {@link GpuProvider#observe} says. The many pods are put into the stub's ledger as pods
 * still pulling their image (no process, no log read), so that the test costs no deploy per pod.
 */
class RunPodBulkObservationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int PULLING_PODS = 250;
  private static final int STARTED_PODS = 3;

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  private final List<WorkloadKey> keys = new ArrayList<>();
  private final List<GpuProvider> providers = new ArrayList<>();
  /** Pods the test put into the stub's ledger itself; it terminates them. */
  private final List<RunPodStub.Pod> pulling = new ArrayList<>();

  @AfterEach
  void cancelEverything() throws ProviderException {
    pulling.forEach(runpod.stub()::terminateOutside);
    GpuProvider cleaner = provider();
    for (WorkloadKey key : keys) {
      cleaner.cancel(key);
    }
    providers.forEach(GpuProvider::close);
  }

  /** An adapter of a fresh factory: it knows no pod ids, as after an operator restart. */
  private GpuProvider provider() throws ProviderException {
    return provider(RunPodTestSupport.settings(markers));
  }

  private GpuProvider provider(RunPodSettings settings) throws ProviderException {
    GpuProvider provider = new RunPodProviderFactory(settings)
        .create("runpod", RunPodTestSupport.spec(runpod.stub(), r -> {}),
            RunPodTestSupport.credentials(RunPodStub.API_KEY));
    providers.add(provider);
    return provider;
  }

  /** Submits {@code script} for a new key; its reference as the job's status records it. */
  private WorkloadRef submit(GpuProvider provider, String script) throws ProviderException {
    WorkloadKey key = RunPodTestSupport.newKey("bulk");
    keys.add(key);
    return new WorkloadRef(key, provider.submit(RunPodTestSupport.shell(key, script)).externalId());
  }

  private long logReads() {
    return runpod.stub().calls().stream().filter(call -> call.route().equals("logs")).count();
  }

  @Test
  void manyPodsCostOneQueryAndALogReadPerStartedPod() throws ProviderException {
    GpuProvider submitter = provider();
    List<WorkloadRef> waiting = new ArrayList<>();
    for (int i = 0; i < PULLING_PODS; i++) {
      WorkloadKey key = RunPodTestSupport.newKey("pulling");
      RunPodStub.Pod pod = runpod.stub().addPulling(key.workloadName());
      pulling.add(pod);
      waiting.add(new WorkloadRef(key, pod.id));
    }
    List<WorkloadRef> started = new ArrayList<>();
    for (int i = 0; i < STARTED_PODS; i++) {
      WorkloadRef ref = submit(submitter, "sleep 300");
      started.add(ref);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> submitter.observe(ref.key()).state() == WorkloadState.RUNNING);
    }
    List<WorkloadRef> all = new ArrayList<>(waiting);
    all.addAll(started);

    // A fresh adapter finds the pods by name; the submitter knows the ids of its own: the same calls either way.
    for (GpuProvider observer : List.of(provider(), submitter)) {
      int operations = runpod.stub().operations().size();
      long reads = logReads();

      Map<WorkloadKey, Observation> observed = observer.observeAll(all);

      List<String> graphQl = runpod.stub().operations();
      assertThat(graphQl.subList(operations, graphQl.size())).containsExactly("MyPodsObserved");
      assertThat(logReads() - reads).as("log reads: one per started pod").isEqualTo(STARTED_PODS);
      assertThat(observed).hasSize(PULLING_PODS + STARTED_PODS);
      waiting.forEach(ref -> assertThat(observed.get(ref.key()).state()).isEqualTo(WorkloadState.PENDING));
      started.forEach(ref -> assertThat(observed.get(ref.key())).satisfies(o -> {
        assertThat(o.state()).isEqualTo(WorkloadState.RUNNING);
        assertThat(o.externalId()).isEqualTo(ref.recordedId());
      }));
    }
    assertThat(runpod.stub().violations()).isEmpty();
  }

  @Test
  void inBulkEachPodSaysWhatObservingItSaysLogTailIncluded() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadRef running = submit(provider, "echo working; sleep 300");
    WorkloadRef finished = submit(provider, "echo done; exit 4");
    WorkloadRef terminatedElsewhere = submit(provider, "sleep 300");
    WorkloadRef unknown = new WorkloadRef(RunPodTestSupport.newKey("unknown"), null);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> provider.observe(running.key()).logTail(),
        tail -> tail != null && tail.contains("working"));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(finished.key()).state() == WorkloadState.FAILED);
    // Another operator process terminates a pod whose id this adapter knows.
    provider().cancel(terminatedElsewhere.key());

    Map<WorkloadKey, Observation> observed = provider.observeAll(List.of(running, finished, terminatedElsewhere,
        unknown));

    Observation runningNow = provider.observe(running.key());
    assertThat(runningNow.logTail()).contains("working");
    assertThat(observed.get(running.key())).isEqualTo(runningNow);
    assertThat(provider.observesAllInFull()).as("a job woken by the bulk observation need not observe again").isTrue();
    assertThat(observed.get(finished.key())).isEqualTo(provider.observe(finished.key()));
    assertThat(observed.get(finished.key()).exitCode()).isEqualTo(4);
    assertThat(observed.get(finished.key()).logTail()).contains("done");
    assertThat(observed.get(terminatedElsewhere.key())).isEqualTo(Observation.notFound())
        .isEqualTo(provider.observe(terminatedElsewhere.key()));
    assertThat(observed.get(unknown.key())).isEqualTo(Observation.notFound());
  }

  @Test
  void withMoreStartedPodsThanItsBudgetARoundReadsTheBudgetAndEveryPodInTurn() throws Exception {
    GpuProvider observer = provider(RunPodTestSupport.settings(markers).withLogReadsPerRound(2));
    Path gate = markers.resolve("gate");
    List<WorkloadRef> started = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      started.add(submit(observer, "sleep 300"));
    }
    WorkloadRef ending = submit(observer, TestResources.untilExists(gate) + "; exit 3");
    started.add(ending);
    for (WorkloadRef ref : started) {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> observer.observe(ref.key()).state() == WorkloadState.RUNNING);
    }

    // A fresh adapter has read no log: each round reads 2 it never read, until it has seen all 5.
    GpuProvider fresh = provider(RunPodTestSupport.settings(markers).withLogReadsPerRound(2));
    List<Integer> observedPerRound = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      long reads = logReads();
      Map<WorkloadKey, Observation> observed = fresh.observeAll(started);
      assertThat(logReads() - reads).as("log reads in round %d", round + 1).isEqualTo(2);
      observedPerRound.add(observed.size());
      observed.values().forEach(o -> assertThat(o.state()).isEqualTo(WorkloadState.RUNNING));
    }
    assertThat(observedPerRound).as("pods answered: those read so far").containsExactly(2, 4, 5);

    // A command ends without any change in the pod listing: its pod's turn comes within ceil(5 / 2) rounds.
    java.nio.file.Files.createFile(gate);
    await().atMost(WAIT).until(() -> runpod.stub().allPods().stream().anyMatch(p -> p.name
        .equals(ending.key().workloadName()) && p.logLines().stream().anyMatch(l -> l.endsWith("exit-code=3"))));
    Observation seen = null;
    for (int round = 0; round < 3 && (seen == null || seen.state() != WorkloadState.FAILED); round++) {
      long reads = logReads();
      seen = fresh.observeAll(started).get(ending.key());
      assertThat(logReads() - reads).isEqualTo(2);
    }
    assertThat(seen).isNotNull();
    assertThat(seen.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(seen.exitCode()).isEqualTo(3);
    assertThat(runpod.stub().violations()).isEmpty();
  }
}
