package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link GpuProvider} adapter passes. An adapter's test extends this class, supplies the provider
 * and workloads that suit it, and the adapter-specific ground truth ({@link #workloadsStartedFor},
 * {@link #assertNothingLeftRunning}) that the provider's own answers are checked against.
 *
 * <p>Every key a test makes through {@link #newKey} is cancelled after the test, so nothing keeps running. Tests
 * wait on conditions (Awaitility), never for a fixed time.
 */
public abstract class GpuProviderContractTest {

  /** The line {@link #succeedingWorkload} prints. */
  protected static final String SUCCESS_MARKER = "gpucompute-contract-ok";
  /** The environment variable {@link #succeedingWorkload} sets and prints. */
  protected static final String GREETING_VARIABLE = "GREETING";
  /** Its value: it must show in the output, and never in {@link WorkloadSpec#toString}. */
  protected static final String GREETING_VALUE = "hello-from-env-5f1c2a";
  /** The exit code of {@link #failingWorkload}. */
  protected static final int FAILING_EXIT_CODE = 3;
  /** The namespace of every key the suite makes. */
  protected static final String KEY_NAMESPACE = "contract";

  /** A pull secret with one login, for a registry that no test ever reaches. */
  protected static final PullSecret PULL_SECRET = new PullSecret("registry-login",
      "{\"auths\":{\"registry.example.test\":{\"username\":\"puller\",\"password\":\"pull-secret-7c2e91\"}}}");
  /** The volume names the volume tests use, one per source kind. */
  protected static final String CLAIM_VOLUME = "claimed";
  protected static final String PROVIDER_VOLUME = "dataset";
  protected static final String SCRATCH_VOLUME = "scratch";
  /** The line the volume workload prints first. */
  protected static final String VOLUMES_MARKER = "gpucompute-volumes-ok";

  /** What an adapter does with a feature of a workload: uses it, or refuses the workload before creating anything. */
  protected enum Support {
    HONOURED,
    REFUSED
  }

  private final List<WorkloadKey> keys = new ArrayList<>();

  private GpuProvider provider;

  /**
   * A new instance of the adapter under test, made before each test. The suite closes it after the test, once it has
   * cancelled every key the test made.
   */
  protected abstract GpuProvider newProvider() throws ProviderException;

  /** The provider under test; the same instance for the whole test. */
  protected final GpuProvider provider() {
    return provider;
  }

  /**
   * A workload that runs {@code script} with {@code sh -c} on one GPU of {@code gpuType}, with {@code env} set:
   * the one way each adapter's test builds the workloads of this suite.
   */
  protected abstract WorkloadSpec shellWorkload(WorkloadKey key, String gpuType, String script, Map<String, String> env);

  /** A GPU type the provider under test offers. */
  protected abstract String offeredGpuType();

  /** A GPU type the provider under test does not offer. */
  protected String unofferedGpuType() {
    return "TPU-V5";
  }

  /** Prints {@link #SUCCESS_MARKER} and the value of {@link #GREETING_VARIABLE}, which it sets, then exits 0. */
  protected WorkloadSpec succeedingWorkload(WorkloadKey key) {
    return shellWorkload(key, offeredGpuType(), "echo " + SUCCESS_MARKER + "; echo \"$" + GREETING_VARIABLE + "\"",
        Map.of(GREETING_VARIABLE, GREETING_VALUE));
  }

  /** Exits with {@link #FAILING_EXIT_CODE}. */
  protected WorkloadSpec failingWorkload(WorkloadKey key) {
    return shellWorkload(key, offeredGpuType(), "echo failing; exit " + FAILING_EXIT_CODE, Map.of());
  }

  /** Runs far longer than any test (it is cancelled). */
  protected WorkloadSpec longRunningWorkload(WorkloadKey key) {
    return shellWorkload(key, offeredGpuType(), "sleep 300", Map.of());
  }

  /** Asks for a GPU type the provider does not offer. */
  protected WorkloadSpec unknownGpuTypeWorkload(WorkloadKey key) {
    return shellWorkload(key, unofferedGpuType(), "echo never", Map.of());
  }

  /**
   * The ground truth, not the provider's word: how many workloads were really started for {@code key} (processes
   * launched, pods or instances created).
   */
  protected abstract int workloadsStartedFor(WorkloadKey key);

  /** Fails unless nothing of the workload for {@code key} runs any more (processes, pods, instances). */
  protected abstract void assertNothingLeftRunning(WorkloadKey key);

  /** How long a short workload may take from submit to finished. */
  protected abstract Duration completionTimeout();

  /** What the adapter does with pull secrets; one that refuses them says why with reason PullSecretsNotSupported. */
  protected abstract Support pullSecrets();

  /**
   * The ground truth that the workload of {@code key} pulls its image with {@code secret}'s login (the pod spec, the
   * registry auth at the stub), or, for Local, that the submit says it does not pull.
   */
  protected void assertPullSecretUsed(WorkloadKey key, PullSecret secret, SubmitResult submitted) {
    throw new AssertionError("an adapter that honours pull secrets checks their use against its ground truth");
  }

  /** What the adapter does with a volume of {@code kind}; one that refuses it says why with VolumeNotSupported. */
  protected abstract Support volumes(String kind);

  /** The id of storage of the provider under test that a provider volume may use, when it honours them. */
  protected String providerVolumeId() {
    throw new AssertionError("an adapter that honours provider volumes names one of its test storage");
  }

  /** Where the scratch volume is mounted: a path that is safe to create where the adapter's containers really run. */
  protected String scratchMountPath() {
    return "/scratch";
  }

  /**
   * The ground truth that the finished workload of {@code key} had {@code volume} (the pod spec, the deploy or
   * RunInstances request, the process's environment, as {@code finished}'s log shows it).
   */
  protected void assertVolumeMounted(WorkloadKey key, WorkloadVolume volume, Observation finished) {
    throw new AssertionError("an adapter that honours volumes checks them against its ground truth");
  }

  /** A fresh key; cancelled after the test. */
  protected final WorkloadKey newKey() {
    String id = UUID.randomUUID().toString();
    WorkloadKey key = new WorkloadKey(KEY_NAMESPACE, "job-" + id.substring(0, 8), id, 1);
    keys.add(key);
    return key;
  }

  @BeforeEach
  void createProvider() throws ProviderException {
    provider = newProvider();
  }

  @AfterEach
  void cancelEverythingAndCloseTheProvider() throws ProviderException {
    if (provider == null) {
      return; // the test was skipped before it began
    }
    try {
      for (WorkloadKey key : keys) {
        provider.cancel(key);
      }
    } finally {
      provider.close();
    }
  }

  @Test
  void probeIsReady() {
    ProbeResult probe = provider().probe();

    assertThat(probe.ready()).as("probe: %s", probe).isTrue();
    assertThat(probe.reason()).isEqualTo("ProbeSucceeded");
  }

  @Test
  void offersTheContractsGpuType() throws ProviderException {
    String gpuType = succeedingWorkload(newKey()).gpu().type();

    assertThat(provider().offers()).extracting(Offer::gpuType).anySatisfy(
        offered -> assertThat(offered).isEqualToIgnoringCase(gpuType));
  }

  @Test
  void succeedingWorkloadSucceedsWithItsOutputAndIsReleasedByCancel() throws ProviderException {
    WorkloadKey key = newKey();

    SubmitResult submitted = provider().submit(succeedingWorkload(key));
    Observation finished = awaitFinished(key);

    assertThat(finished.state()).as("observation: %s", finished).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(finished.exitCode()).isZero();
    assertThat(finished.externalId()).isEqualTo(submitted.externalId());
    assertThat(finished.logTail()).contains(SUCCESS_MARKER).contains(GREETING_VALUE);
    assertThat(provider().observe(key, submitted.externalId()).state())
        .as("a finished workload stays finished until the operator releases it").isEqualTo(WorkloadState.SUCCEEDED);

    provider().cancel(key, submitted.externalId());

    await().atMost(completionTimeout()).untilAsserted(() -> assertNothingLeftRunning(key));
  }

  /**
   * The operator saves an outcome before it releases the workload; after a crash in between, a fresh instance of the
   * adapter (a restarted operator) must still see the workload finished, with its exit code, given the id that the
   * job's status recorded.
   */
  @Test
  void aFreshAdapterSeesAFinishedWorkloadThatWasNotReleasedAsFinished() throws ProviderException {
    WorkloadKey succeeding = newKey();
    WorkloadKey failing = newKey();
    SubmitResult first = provider().submit(succeedingWorkload(succeeding));
    SubmitResult second = provider().submit(failingWorkload(failing));
    awaitFinished(succeeding);
    awaitFinished(failing);

    List<GpuProvider.WorkloadRef> refs = List.of(new GpuProvider.WorkloadRef(succeeding, first.externalId()),
        new GpuProvider.WorkloadRef(failing, second.externalId()));

    GpuProvider fresh = newProvider();
    GpuProvider freshInBulk = newProvider();
    try {
      // An adapter may need a poll or two to read an outcome back from the provider (Cloud Assistant on ECS).
      Observation succeeded = await().atMost(completionTimeout()).pollInterval(Duration.ofMillis(50))
          .until(() -> fresh.observe(succeeding, first.externalId()), o -> o.state().isFinished());
      Observation failed = await().atMost(completionTimeout()).pollInterval(Duration.ofMillis(50))
          .until(() -> fresh.observe(failing, second.externalId()), o -> o.state().isFinished());
      Map<WorkloadKey, Observation> inBulk = await().atMost(completionTimeout()).pollInterval(Duration.ofMillis(50))
          .until(() -> freshInBulk.observeAll(refs), all -> all.size() == 2
              && all.values().stream().allMatch(o -> o.state().isFinished()));

      assertThat(succeeded.state()).as("observation: %s", succeeded).isEqualTo(WorkloadState.SUCCEEDED);
      assertThat(succeeded.exitCode()).isZero();
      assertThat(failed.state()).as("observation: %s", failed).isEqualTo(WorkloadState.FAILED);
      assertThat(failed.exitCode()).isEqualTo(reportsExitCodes() ? FAILING_EXIT_CODE : null);
      assertThat(inBulk.get(succeeding)).as("observed in bulk").extracting(Observation::state, Observation::exitCode)
          .containsExactly(succeeded.state(), succeeded.exitCode());
      assertThat(inBulk.get(failing)).as("observed in bulk").extracting(Observation::state, Observation::exitCode)
          .containsExactly(failed.state(), failed.exitCode());

      fresh.cancel(succeeding, first.externalId());
      fresh.cancel(failing, second.externalId());
    } finally {
      fresh.close();
      freshInBulk.close();
    }
    await().atMost(completionTimeout()).untilAsserted(() -> {
      assertNothingLeftRunning(succeeding);
      assertNothingLeftRunning(failing);
    });
  }

  /** Whether the adapter lists its installation's workloads for the orphan sweep ({@link GpuProvider#listWorkloads}). */
  protected boolean listsWorkloads() {
    return true;
  }

  @Test
  void listsTheWorkloadsOfItsOwnInstallationOnly() throws ProviderException {
    WorkloadKey ours = newKey();
    WorkloadKey theirs = newKey();
    SubmitResult submitted = provider().submit(longRunningWorkload(ours).forInstallation("installation-ours"));
    provider().submit(longRunningWorkload(theirs).forInstallation("installation-theirs"));

    Optional<List<ListedWorkload>> listed = provider().listWorkloads("installation-ours");

    if (!listsWorkloads()) {
      assertThat(listed).as("an adapter that cannot list says so").isEmpty();
      return;
    }
    assertThat(listed).isPresent();
    assertThat(listed.get()).extracting(w -> w.key().uid()).containsExactly(ours.uid());
    ListedWorkload found = listed.get().get(0);
    assertThat(found.key().attempt()).isEqualTo(ours.attempt());
    assertThat(found.externalId()).isEqualTo(submitted.externalId());
  }

  /**
   * Whether the provider reports a failed workload's exit code. One that cannot (RunPod serverless reports FAILED
   * with an error text) gives none, and the job then shows no exit code.
   */
  protected boolean reportsExitCodes() {
    return true;
  }

  @Test
  void failingWorkloadFailsWithItsExitCode() throws ProviderException {
    WorkloadKey key = newKey();

    provider().submit(failingWorkload(key));
    Observation finished = awaitFinished(key);

    assertThat(finished.state()).as("observation: %s", finished).isEqualTo(WorkloadState.FAILED);
    assertThat(finished.exitCode()).isEqualTo(reportsExitCodes() ? FAILING_EXIT_CODE : null);
  }

  @Test
  void submittingTwiceStartsOneWorkload() throws ProviderException {
    WorkloadKey key = newKey();
    WorkloadSpec spec = longRunningWorkload(key);

    SubmitResult first = provider().submit(spec);
    SubmitResult second = provider().submit(spec);

    assertThat(second.externalId()).isEqualTo(first.externalId());
    assertExactlyOneStarted(key);
  }

  @Test
  void concurrentSubmitsStartOneWorkload() throws Exception {
    WorkloadKey key = newKey();
    WorkloadSpec spec = longRunningWorkload(key);
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<SubmitResult> submit = () -> {
      start.await(10, TimeUnit.SECONDS);
      return provider().submit(spec);
    };

    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<SubmitResult> first = threads.submit(submit);
      Future<SubmitResult> second = threads.submit(submit);

      assertThat(second.get(30, TimeUnit.SECONDS).externalId())
          .isEqualTo(first.get(30, TimeUnit.SECONDS).externalId());
    } finally {
      threads.shutdownNow();
    }
    assertExactlyOneStarted(key);
  }

  @Test
  void cancelStopsARunningWorkload() throws ProviderException {
    WorkloadKey key = newKey();
    provider().submit(longRunningWorkload(key));
    awaitState(key, WorkloadState.RUNNING);

    provider().cancel(key);

    await().atMost(completionTimeout()).untilAsserted(() -> {
      assertThat(provider().observe(key).state()).isNotEqualTo(WorkloadState.RUNNING);
      assertNothingLeftRunning(key);
    });
  }

  @Test
  void forgetStopsARunningWorkloadAndForgettingAgainOrAnUnknownKeyIsANoOp() throws ProviderException {
    WorkloadKey running = newKey();
    WorkloadKey finished = newKey();
    provider().submit(succeedingWorkload(finished));
    awaitFinished(finished);
    provider().submit(longRunningWorkload(running));
    awaitState(running, WorkloadState.RUNNING);

    provider().forget(running);
    provider().forget(finished);

    await().atMost(completionTimeout()).untilAsserted(() -> {
      assertThat(provider().observe(running).state()).isNotEqualTo(WorkloadState.RUNNING);
      assertNothingLeftRunning(running);
      assertNothingLeftRunning(finished);
    });
    provider().forget(running);
    provider().forget(finished);
    provider().forget(newKey());
  }

  @Test
  void cancelIsIdempotent() throws ProviderException {
    WorkloadKey key = newKey();
    provider().submit(longRunningWorkload(key));
    awaitState(key, WorkloadState.RUNNING);

    provider().cancel(key);

    assertThatCode(() -> provider().cancel(key)).doesNotThrowAnyException();
    await().atMost(completionTimeout()).untilAsserted(() -> assertNothingLeftRunning(key));
  }

  @Test
  void cancellingAnUnknownKeyIsANoOp() {
    assertThatCode(() -> provider().cancel(newKey())).doesNotThrowAnyException();
  }

  /**
   * Observing in bulk says what observing one by one says, for a finished, a running and an unknown workload, and
   * also through the call limits that the operator puts around every provider (which pass an adapter's own bulk
   * observation as one call, and otherwise observe each workload in turn).
   */
  @Test
  void observingAllAtOnceSaysWhatObservingEachSays() throws ProviderException {
    WorkloadKey finished = newKey();
    WorkloadKey running = newKey();
    WorkloadKey unknown = newKey();
    SubmitResult first = provider().submit(succeedingWorkload(finished));
    SubmitResult second = provider().submit(longRunningWorkload(running));
    awaitFinished(finished);
    awaitState(running, WorkloadState.RUNNING);
    List<GpuProvider.WorkloadRef> refs = List.of(new GpuProvider.WorkloadRef(finished, first.externalId()),
        new GpuProvider.WorkloadRef(running, second.externalId()), new GpuProvider.WorkloadRef(unknown, null));
    GpuProvider guarded = new GuardedProvider(provider(), "contract", new CallLimits(0, 1, 4), TokenBucket.Clock.SYSTEM);

    for (GpuProvider observer : List.of(provider(), guarded)) {
      // A provider may need a round or two to read an outcome (Cloud Assistant on ECS): wait until it is stable.
      Map<WorkloadKey, Observation> all = await().atMost(completionTimeout()).pollInterval(Duration.ofMillis(50))
          .until(() -> observer.observeAll(refs), observed -> observed.size() == 3
              && observed.get(finished).state().isFinished());

      assertThat(all.get(finished).state()).isEqualTo(WorkloadState.SUCCEEDED);
      assertThat(all.get(finished).exitCode()).isZero();
      assertThat(all.get(finished).externalId()).isEqualTo(first.externalId());
      assertThat(all.get(running).state()).isEqualTo(WorkloadState.RUNNING);
      assertThat(all.get(running).externalId()).isEqualTo(second.externalId());
      assertThat(all.get(unknown).state()).isEqualTo(WorkloadState.NOT_FOUND);
    }
  }

  /**
   * Whether the adapter observes in bulk ({@link GpuProvider#observesInBulk}): one call per page of a listing rather
   * than per workload. The suite checks that the adapter says what its test expects, so that
   * {@link #observingAllAtOnceSaysWhatObservingEachSays} runs the adapter's own bulk path where it has one.
   */
  protected boolean observesInBulk() {
    return false;
  }

  @Test
  void observesInBulkWhereItsTestSaysSo() {
    assertThat(provider().observesInBulk()).isEqualTo(observesInBulk());
  }

  @Test
  void observingAnUnknownKeyIsNotFound() throws ProviderException {
    assertThat(provider().observe(newKey()).state()).isEqualTo(WorkloadState.NOT_FOUND);
  }

  @Test
  void unknownGpuTypeIsAnInvalidRequestThatListsTheOffers() throws ProviderException {
    WorkloadKey key = newKey();
    List<String> offered = provider().offers().stream().map(Offer::gpuType).toList();

    assertThatThrownBy(() -> provider().submit(unknownGpuTypeWorkload(key)))
        .isInstanceOf(ProviderException.InvalidRequest.class)
        .hasMessageContainingAll(offered.toArray(String[]::new));
    assertThat(workloadsStartedFor(key)).isZero();
  }

  @Test
  void specToStringNeverShowsEnvValues() {
    WorkloadSpec spec = succeedingWorkload(newKey());

    assertThat(spec.env()).containsKey(GREETING_VARIABLE);
    assertThat(spec.toString()).contains(GREETING_VARIABLE);
    spec.env().values().forEach(value -> assertThat(spec.toString()).doesNotContain(value));
  }

  @Test
  void pullSecretsAreUsedOrRefusedBeforeAnythingIsCreated() throws ProviderException {
    WorkloadKey key = newKey();
    WorkloadSpec spec = succeedingWorkload(key).withPullSecrets(List.of(PULL_SECRET));

    assertThat(spec.toString()).contains(PULL_SECRET.secretName()).doesNotContain("pull-secret-7c2e91");
    if (pullSecrets() == Support.REFUSED) {
      assertThatThrownBy(() -> provider().submit(spec)).isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
          e -> assertThat(e.reason()).isEqualTo("PullSecretsNotSupported"));
      assertThat(workloadsStartedFor(key)).isZero();
      return;
    }
    SubmitResult submitted = provider().submit(spec);
    Observation finished = awaitFinished(key);

    assertThat(finished.state()).as("observation: %s", finished).isEqualTo(WorkloadState.SUCCEEDED);
    assertPullSecretUsed(key, PULL_SECRET, submitted);
  }

  @Test
  void volumesAreMountedOrRefusedBeforeAnythingIsCreated() throws ProviderException {
    List<WorkloadVolume> honoured = new ArrayList<>();
    for (String kind : List.of("persistentVolumeClaim", "provider", "emptyDir")) {
      WorkloadVolume volume = switch (kind) {
        case "persistentVolumeClaim" -> new WorkloadVolume(CLAIM_VOLUME, "/claimed", false,
            new WorkloadVolume.Claim("training-data"));
        case "provider" -> new WorkloadVolume(PROVIDER_VOLUME, "/dataset", false,
            new WorkloadVolume.ProviderStorage(volumes(kind) == Support.HONOURED ? providerVolumeId() : "unknown"));
        default -> new WorkloadVolume(SCRATCH_VOLUME, scratchMountPath(), false, new WorkloadVolume.Scratch(1));
      };
      if (volumes(kind) == Support.HONOURED) {
        honoured.add(volume);
        continue;
      }
      WorkloadKey refused = newKey();
      assertThatThrownBy(() -> provider().submit(volumeWorkload(refused).withVolumes(List.of(volume))))
          .as("a %s volume", kind).isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
              e -> assertThat(e.reason()).isEqualTo("VolumeNotSupported"));
      assertThat(workloadsStartedFor(refused)).isZero();
    }
    if (honoured.isEmpty()) {
      return;
    }
    WorkloadKey key = newKey();

    provider().submit(volumeWorkload(key).withVolumes(honoured));
    Observation finished = awaitFinished(key);

    assertThat(finished.state()).as("observation: %s", finished).isEqualTo(WorkloadState.SUCCEEDED);
    for (WorkloadVolume volume : honoured) {
      assertVolumeMounted(key, volume, finished);
    }
  }

  /** Prints {@link #VOLUMES_MARKER} and the variables that tell a Local process where its volumes are. */
  private WorkloadSpec volumeWorkload(WorkloadKey key) {
    return shellWorkload(key, offeredGpuType(), "echo " + VOLUMES_MARKER + "; env | grep '^GPUCOMPUTE_VOLUME_' | sort",
        Map.of());
  }

  /** Waits until the workload has ended, and returns the last observation. */
  protected final Observation awaitFinished(WorkloadKey key) {
    return await().atMost(completionTimeout()).pollInterval(Duration.ofMillis(50))
        .until(() -> provider().observe(key), observation -> observation.state().isFinished());
  }

  /** Waits until the workload is in {@code state}. */
  protected final Observation awaitState(WorkloadKey key, WorkloadState state) {
    return await().atMost(completionTimeout()).pollInterval(Duration.ofMillis(50))
        .until(() -> provider().observe(key), observation -> observation.state() == state);
  }

  /** Waits until one workload was started for {@code key}, then checks that no second one follows. */
  private void assertExactlyOneStarted(WorkloadKey key) {
    await().atMost(completionTimeout()).until(() -> workloadsStartedFor(key) >= 1);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .until(() -> workloadsStartedFor(key) == 1);
  }
}
