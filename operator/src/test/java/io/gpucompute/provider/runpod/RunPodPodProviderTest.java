package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.provider.ComputeDemand;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.SpotRequest;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod mode beyond the contract: what the adapter sends, idempotency across a crash, cancel, the run-once guard
 * against container restarts, offers and prices. Every test ends with no live pod in the stub's ledger (checked by
 * {@link RunPodStubExtension}).
 */
class RunPodPodProviderTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  private final List<WorkloadKey> keys = new ArrayList<>();
  private final List<GpuProvider> providers = new ArrayList<>();

  @AfterEach
  void cancelEverything() throws ProviderException {
    GpuProvider cleaner = provider(r -> {});
    for (WorkloadKey key : keys) {
      cleaner.cancel(key);
    }
    providers.forEach(GpuProvider::close);
  }

  private GpuProvider provider(Consumer<RunPodProviderSpec> customize) throws ProviderException {
    GpuProvider provider = new RunPodProviderFactory(RunPodTestSupport.settings(markers))
        .create("runpod", RunPodTestSupport.spec(stub(), customize), RunPodTestSupport.credentials(RunPodStub.API_KEY));
    providers.add(provider);
    return provider;
  }

  private RunPodStub stub() {
    return runpod.stub();
  }

  private WorkloadKey newKey() {
    WorkloadKey key = RunPodTestSupport.newKey("pod");
    keys.add(key);
    return key;
  }

  private static Observation awaitState(GpuProvider provider, WorkloadKey key, WorkloadState state) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(key), o -> o.state() == state);
  }

  private RunPodStub.Pod onlyPod(WorkloadKey key) {
    List<RunPodStub.Pod> pods = stub().podsNamed(key.workloadName());
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  @Test
  void theDeploySendsTheImageCommandEnvAndGpusAsVariables() throws ProviderException {
    GpuProvider provider = provider(r -> {
      r.setCloudType(CloudType.COMMUNITY);
      r.setVolumeGiB(10);
    });
    WorkloadKey key = newKey();
    WorkloadSpec spec = new WorkloadSpec(key, "nvcr.io/nvidia/pytorch:24.02-py3", List.of("python3", "-c"),
        List.of("print('it''s \"quoted\" $HOME')"), Map.of("HF_TOKEN", "hf-secret-value", "MODE", "train"),
        new GpuDemand("h100", 2, 80), new ComputeDemand(8, 64, 100), null);

    SubmitResult result = provider.submit(spec);

    JsonNode input = stub().calls().stream().filter(c -> "PodFindAndDeployOnDemand".equals(c.operationName()))
        .findFirst().orElseThrow().variables().get("input");
    assertThat(input.get("name").asText()).isEqualTo(key.workloadName());
    assertThat(input.get("imageName").asText()).isEqualTo("nvcr.io/nvidia/pytorch:24.02-py3");
    assertThat(input.get("gpuTypeId").asText()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(input.get("gpuCount").asInt()).isEqualTo(2);
    assertThat(input.get("cloudType").asText()).isEqualTo("COMMUNITY");
    assertThat(input.get("containerDiskInGb").asInt()).isEqualTo(100);
    assertThat(input.get("volumeInGb").asInt()).isEqualTo(10);
    assertThat(input.get("volumeMountPath").asText()).isEqualTo("/workspace");
    assertThat(input.get("minVcpuCount").asInt()).isEqualTo(8);
    assertThat(input.get("minMemoryInGb").asInt()).isEqualTo(64);
    assertThat(input.get("dockerArgs").asText()).isEqualTo(RunOnce.DOCKER_ARGS);
    assertThat(input.get("env")).extracting(e -> e.get("key").asText() + "=" + e.get("value").asText())
        .contains("HF_TOKEN=hf-secret-value", "MODE=train")
        .anySatisfy(e -> assertThat(e).startsWith(RunOnce.SCRIPT_VARIABLE + "=").contains("'python3' '-c'"));
    assertThat(result.externalId()).isEqualTo(onlyPod(key).id);
    assertThat(result.note()).contains("NVIDIA H100 80GB HBM3", "COMMUNITY", "5.38 USD/h");
    assertThat(stub().operations()).containsExactly("MyPods", "PodFindAndDeployOnDemand");
  }

  @Test
  void unsetSettingsMeanTheSecureCloudTwentyGibOfDiskAndNoVolume() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();

    provider.submit(RunPodTestSupport.shell(key, "sleep 300"));

    JsonNode input = onlyPod(key).input;
    assertThat(input.get("cloudType").asText()).isEqualTo("SECURE");
    assertThat(input.get("containerDiskInGb").asInt()).isEqualTo(20);
    assertThat(input.get("volumeInGb").asInt()).isZero();
    assertThat(input.has("volumeMountPath")).isFalse();
    assertThat(input.has("minVcpuCount")).isFalse();
  }

  @Test
  void aNewAdapterAfterACrashBetweenDeployAndStatusFindsThePodInsteadOfDeployingAnother() throws ProviderException {
    WorkloadKey key = newKey();
    WorkloadSpec spec = RunPodTestSupport.shell(key, "sleep 300");
    SubmitResult first = provider(r -> {}).submit(spec);
    // The operator "crashes" here: its status never recorded the pod, and a new process builds a new adapter.

    SubmitResult again = provider(r -> {}).submit(spec);

    assertThat(again.externalId()).isEqualTo(first.externalId());
    assertThat(stub().podsNamed(key.workloadName())).hasSize(1);
  }

  @Test
  void aDeployWhoseReplyIsLostIsRetriedWithoutASecondPod() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    WorkloadSpec spec = RunPodTestSupport.shell(key, "sleep 300");
    stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.lostReply(504));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> provider.submit(spec))
        .isInstanceOf(ProviderException.Transient.class);
    SubmitResult retried = provider(r -> {}).submit(spec);

    assertThat(stub().podsNamed(key.workloadName())).singleElement()
        .satisfies(pod -> assertThat(pod.id).isEqualTo(retried.externalId()));
  }

  @Test
  void aFreshAdapterObservesAPodThatAnEarlierOneStarted() throws ProviderException {
    WorkloadKey key = newKey();
    provider(r -> {}).submit(RunPodTestSupport.shell(key, "sleep 300"));

    Observation running = awaitState(provider(r -> {}), key, WorkloadState.RUNNING);

    assertThat(running.externalId()).isEqualTo(onlyPod(key).id);
    assertThat(running.message()).contains("1x A100 PCIe", "1.64 USD/h");
  }

  @Test
  void aPodStaysPendingUntilItsContainerIsUp() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "sleep 300"));

    Observation first = provider.observe(key);

    assertThat(first.state()).isIn(WorkloadState.PENDING, WorkloadState.RUNNING);
    awaitState(provider, key, WorkloadState.RUNNING);
  }

  @Test
  void cancelTerminatesThePodAndLeavesNoLivePodInTheLedger() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "sleep 300"));
    awaitState(provider, key, WorkloadState.RUNNING);

    provider.cancel(key);

    assertThat(stub().livePods()).isEmpty();
    await().atMost(WAIT).until(() -> onlyPod(key).gone());
    assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.NOT_FOUND);
    assertThat(stub().operations()).contains("PodTerminate");
  }

  @Test
  void aFinishedCommandKeepsItsPodAndResultUntilTheOperatorCancelsIt() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "echo done"));

    Observation finished = awaitState(provider, key, WorkloadState.SUCCEEDED);

    assertThat(onlyPod(key).live()).as("the pod waits for the operator to save the outcome").isTrue();
    assertThat(finished.logTail()).isEqualTo("done\n");
    assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(provider.submit(RunPodTestSupport.shell(key, "echo done")).externalId()).isEqualTo(finished.externalId());
    assertThat(stub().podsNamed(key.workloadName())).hasSize(1);

    provider.cancel(key);

    assertThat(onlyPod(key).live()).isFalse();
  }

  @Test
  void aFreshProviderReadsTheOutcomeOfAFinishedPodFromItsLog() throws ProviderException {
    WorkloadKey key = newKey();
    provider(r -> {}).submit(RunPodTestSupport.shell(key, "exit 5"));
    awaitState(provider(r -> {}), key, WorkloadState.FAILED);

    // Another operator process (a new factory, so nothing in memory) after a crash before the release.
    Observation afterRestart = provider(r -> {}).observe(key);

    assertThat(afterRestart.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(afterRestart.exitCode()).isEqualTo(5);
  }

  @Test
  void aContainerRestartWhileTheCommandRanIsALostWorkloadNotASecondRun() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "echo command-started; sleep 300"));
    RunPodStub.Pod pod = onlyPod(key);
    await().atMost(WAIT).until(() -> pod.logLines().contains("command-started"));

    stub().crashContainer(pod);

    Observation lost = awaitState(provider, key, WorkloadState.LOST);
    assertThat(lost.message()).contains("restarted while the command ran");
    assertThat(pod.logLines()).filteredOn("command-started"::equals).hasSize(1);
    provider.cancel(key);
    assertThat(pod.live()).isFalse();
  }

  @Test
  void aSpotWorkloadIsAnInterruptiblePodBidAtTheMarketPriceOrTheJobsLimit() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey market = newKey();
    WorkloadKey capped = newKey();

    provider.submit(RunPodTestSupport.shell(market, "sleep 300").withSpot(SpotRequest.MARKET));
    provider.submit(RunPodTestSupport.shell(capped, "sleep 300")
        .withSpot(new SpotRequest(new java.math.BigDecimal("1.50"))));

    assertThat(onlyPod(market).podType).isEqualTo("INTERRUPTABLE");
    assertThat(onlyPod(market).input.path("bidPerGpu").decimalValue())
        .as("the catalogue's secure spot price: half the on-demand price").isEqualByComparingTo("0.82");
    assertThat(onlyPod(capped).input.path("bidPerGpu").decimalValue()).isEqualByComparingTo("1.50");
    provider.cancel(market);
    provider.cancel(capped);
  }

  @Test
  void anInterruptiblePodThatRunPodStopsIsPreemptedNotLost() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "sleep 300").withSpot(SpotRequest.MARKET));
    awaitState(provider, key, WorkloadState.RUNNING);

    stub().reclaim(onlyPod(key));

    Observation preempted = awaitState(provider, key, WorkloadState.PREEMPTED);
    assertThat(preempted.message()).contains("interruptible", "RunPod took its GPUs back");
    provider.cancel(key);
    assertThat(onlyPod(key).live()).isFalse();
  }

  @Test
  void aPodStoppedOutsideTheOperatorIsLost() throws ProviderException {
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "sleep 300"));
    awaitState(provider, key, WorkloadState.RUNNING);

    stub().stopOutside(onlyPod(key));

    Observation lost = awaitState(provider, key, WorkloadState.LOST);
    assertThat(lost.message()).contains("EXITED", "stopped outside the operator");
    provider.cancel(key);
    assertThat(onlyPod(key).live()).isFalse();
  }

  @Test
  void withoutThePodLogApiTheJobRunsWithNoLogTailAndSaysWhy() throws ProviderException {
    stub().setLogsAvailable(false);
    GpuProvider provider = provider(r -> {});
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "echo invisible; sleep 300"));

    Observation running = awaitState(provider, key, WorkloadState.RUNNING);

    assertThat(running.logTail()).isNull();
    assertThat(running.message()).contains("logs unavailable", "HTTP 404", "cannot be seen");
  }

  @Test
  void offersCarryTheCatalogPriceOfTheCloudType() throws ProviderException {
    assertThat(provider(r -> {}).offers()).extracting(Offer::gpuType, Offer::pricePerHour)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A100", new BigDecimal("1.64")),
            org.assertj.core.groups.Tuple.tuple("H100", new BigDecimal("2.99")),
            org.assertj.core.groups.Tuple.tuple("L4", new BigDecimal("0.43")),
            org.assertj.core.groups.Tuple.tuple("A4000", new BigDecimal("0.4")),
            org.assertj.core.groups.Tuple.tuple("RTX4090", new BigDecimal("0.69")));
    assertThat(provider(r -> r.setCloudType(CloudType.COMMUNITY)).offers())
        .extracting(Offer::gpuType, Offer::pricePerHour)
        .contains(org.assertj.core.groups.Tuple.tuple("A100", new BigDecimal("1.19")))
        .extracting(t -> t.toArray()[0]).doesNotContain("L4");
    assertThat(provider(r -> {}).offers()).filteredOn(o -> o.gpuType().equals("A100")).singleElement()
        .satisfies(o -> {
          assertThat(o.providerName()).isEqualTo("NVIDIA A100 80GB PCIe");
          assertThat(o.memoryGiB()).isEqualTo(80);
          assertThat(o.count()).isNull();
        });
  }

  @Test
  void theProbeChecksTheKeyAndNamesTheCloud() throws ProviderException {
    var probe = provider(r -> r.setCloudType(CloudType.ALL)).probe();

    assertThat(probe.ready()).isTrue();
    assertThat(probe.message()).contains("ALL");
    assertThat(stub().operations()).containsExactly("Myself");
  }
}
