package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.AttemptRange;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.JobPlacement;
import io.gpucompute.api.v1alpha1.PlacementCandidate;
import io.gpucompute.api.v1alpha1.PlacementStrategy;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.api.v1alpha1.SpotPolicy;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.E2eTest;
import io.gpucompute.e2e.FaultFixture;
import io.gpucompute.job.JobCondition;
import io.gpucompute.operator.TestResources;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-cloud placement on the real API server, with the operator as its own process: three ProviderConfigs of
 * limited capacity that all offer A100s, at different prices: a Local one (2 GPUs, 1.10 USD/h), and two RunPod ones
 * on the RunPod stub, the community cloud (at most 4 jobs, 1.19 USD/h on demand, 0.595 on spot) and the secure cloud
 * (at most 6 jobs, 1.64 USD/h). Each case is judged from the jobs' status and the stub's own ledger of pods.
 */
@E2eTest
class PlacementIT {

  private static final String A100 = "NVIDIA A100 80GB PCIe";
  /**
   * The reasons an option had no room: full by the operator's count, or by the provider's own answer to a submit
   * (NoCapacity, which the stub gives when its GPUs are all held; seen in one full run of six).
   */
  private static final Set<String> NO_ROOM = Set.of("ProviderAtCapacity", "GpusBusy", "NoCapacity");

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path dir;

  private FaultFixture fixture;
  private KubernetesClient client;
  private io.gpucompute.e2e.Kubectl kubectl;
  private String local;
  private String community;
  private String secure;

  @BeforeEach
  void start(ControlPlane plane) {
    fixture = FaultFixture.start(plane, "e2e-placement", dir.resolve("local"), Map.of());
    client = fixture.client();
    kubectl = plane.kubectl();
    String prefix = fixture.namespace();
    local = prefix + "-local";
    community = prefix + "-community";
    secure = prefix + "-secure";
    TestResources.createSecret(client, fixture.namespace(), "runpod", Map.of("apiKey", RunPodStub.API_KEY));
    client.resource(TestResources.localProvider(local, 2, s -> s.getPrices().get(0).setPricePerHour("1.10")))
        .create();
    runPod(community, CloudType.COMMUNITY, 4);
    runPod(secure, CloudType.SECURE, 6);
    for (String name : List.of(local, community, secure)) {
      await("ProviderConfig " + name + " ready with its offers").atMost(FaultFixture.WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> client.resources(ProviderConfig.class).withName(name).get(), pc -> pc.getStatus() != null
              && Conditions.isTrue(pc.getStatus().getConditions(), "Ready") && !pc.getStatus().getOffers().isEmpty());
    }
  }

  private void runPod(String name, CloudType cloud, int maxConcurrentJobs) {
    ProviderConfigSpec spec = RunPodTestSupport.spec(runpod.stub(), r -> r.setCloudType(cloud));
    spec.setMaxConcurrentJobs(maxConcurrentJobs);
    TestResources.createProviderConfig(client, name, spec, fixture.namespace(), "runpod");
  }

  @AfterEach
  void stop() {
    fixture.close(local, community, secure);
  }

  /** A job of this test's ProviderConfigs only (the API server may hold others' of tests running at the same time). */
  private GpuJob job(String name, String script, Consumer<io.gpucompute.api.v1alpha1.GpuJobSpec> customize) {
    return fixture.create(TestResources.shellJob(fixture.namespace(), name, null, script, spec -> {
      spec.setProviderConfigRef(null);
      JobPlacement placement = new JobPlacement();
      placement.setProviders(new ArrayList<>(List.of(local, community, secure)));
      spec.setPlacement(placement);
      customize.accept(spec);
    }));
  }

  private static boolean complete(GpuJobStatus status) {
    return Conditions.isTrue(status.getConditions(), JobCondition.COMPLETE);
  }

  private static BigDecimal price(String text) {
    return new BigDecimal(text);
  }

  @Test
  void twentyJobsAreEachPlacedOnTheCheapestCandidateThatHadRoom() {
    List<String> names = IntStream.rangeClosed(1, 20).mapToObj(i -> "burst-" + i).toList();
    names.forEach(name -> job(name, "sleep 2", spec -> {}));

    GpuJob queued = await("a job queued behind the full candidates").atMost(FaultFixture.WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> names.stream().map(fixture::job).filter(j -> j != null && j.getStatus() != null
            && j.getStatus().getPhase() == JobPhase.Queued && j.getStatus().getQueuePosition() != null).findFirst(),
            java.util.Optional::isPresent).orElseThrow();
    assertThat(Conditions.find(queued.getStatus().getConditions(), JobCondition.RECONCILING).orElseThrow().getReason())
        .isIn(NO_ROOM);
    String wide = kubectl.run("get", "gpujobs", "-n", fixture.namespace(), "-o", "wide").assertSuccess().stdout();
    assertThat(wide.lines().findFirst().orElseThrow()).as("kubectl get -o wide shows why a job waits, and where")
        .contains("REASON", "QUEUE", "PREEMPTED");
    List<GpuJob> done = names.stream().map(name -> fixture.awaitJob(name, "complete", PlacementIT::complete))
        .toList();

    for (GpuJob job : done) {
      var placement = job.getStatus().getPlacement();
      BigDecimal chosen = price(placement.getPricePerHour());
      assertThat(placement.getCandidates().get(0).getReason()).isEqualTo("Chosen");
      assertThat(placement.getCandidates()).as(job.getMetadata().getName() + ": every cheaper option had no room")
          .filteredOn(c -> c.getPricePerHour() != null && price(c.getPricePerHour()).compareTo(chosen) < 0)
          .extracting(PlacementCandidate::getReason).allMatch(NO_ROOM::contains);
      assertThat(job.getStatus().getFailures()).isNull();
      assertThat(job.getStatus().getAttempts()).isEqualTo(1);
    }
    Map<String, Long> byProvider = done.stream().collect(java.util.stream.Collectors.groupingBy(
        j -> j.getStatus().getPlacement().getProviderConfig(), java.util.stream.Collectors.counting()));
    assertThat(byProvider.get(local)).as("the cheapest ran the most, two at a time").isGreaterThanOrEqualTo(2);
    assertThat(byProvider.get(community)).isGreaterThanOrEqualTo(4);
    assertThat(byProvider.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
    assertThat(runpod.stub().allPods()).as("one pod per job placed on RunPod, no more")
        .hasSize((int) (byProvider.getOrDefault(community, 0L) + byProvider.getOrDefault(secure, 0L)));
  }

  @Test
  void aStockOutAtTheFirstCandidateMovesTheJobToTheNextAtOnce() {
    runpod.stub().setCapacity(A100, false);

    GpuJob job = job("moved", "echo ran-here", spec -> {
      spec.getPlacement().setProviders(new ArrayList<>(List.of(community, local)));
      spec.getPlacement().setStrategy(PlacementStrategy.Ordered);
    });
    GpuJob done = fixture.awaitJob("moved", "complete", PlacementIT::complete);

    var placement = done.getStatus().getPlacement();
    assertThat(placement.getProviderConfig()).isEqualTo(local);
    assertThat(placement.getSkips()).singleElement().satisfies(skip -> {
      assertThat(skip.getProviderConfig()).isEqualTo(community);
      assertThat(skip.getReason()).isEqualTo("NoCapacity");
      Instant started = Timestamps.parse(done.getStatus().getStartTime());
      assertThat(started).as("placed on the next candidate before the stock-out's cooldown ended, not after it")
          .isBefore(Timestamps.parse(skip.getUntil()));
    });
    assertThat(placement.getCandidates()).extracting(PlacementCandidate::getProviderConfig,
        PlacementCandidate::getReason).contains(org.assertj.core.groups.Tuple.tuple(community, "NoCapacity"));
    assertThat(done.getStatus().getFailures()).isNull();
    assertThat(done.getStatus().getAttempts()).as("the refused submit created nothing and used no attempt")
        .isEqualTo(1);
    assertThat(runpod.stub().allPods()).isEmpty();
    assertThat(job.getMetadata().getName()).isEqualTo("moved");
  }

  @Test
  void aReclaimedSpotWorkloadComesBackOnAnotherProviderAsAPreemptionNotAFailure() {
    // On RunPod the pod waits; anywhere else the job completes.
    GpuJob job = job("spot", "if [ -n \"$RUNPOD_POD_ID\" ]; then sleep 300; fi; echo done", spec -> {
      spec.setSpot(SpotPolicy.Prefer);
      spec.getPlacement().setProviders(new ArrayList<>(List.of(community, local)));
    });
    GpuJob running = fixture.awaitJob("spot", "running on RunPod spot capacity",
        s -> s.getPhase() == JobPhase.Running && community.equals(s.getPlacement().getProviderConfig()));
    assertThat(running.getStatus().getPlacement().getSpot()).isTrue();
    assertThat(price(running.getStatus().getPlacement().getPricePerHour())).as("the community cloud's spot price")
        .isEqualByComparingTo("0.595");
    RunPodStub.Pod pod = runpod.stub().allPods().get(0);
    assertThat(pod.podType).isEqualTo("INTERRUPTABLE");

    runpod.stub().reclaim(pod);

    GpuJob done = fixture.awaitJob("spot", "complete", PlacementIT::complete);
    assertThat(done.getStatus().getPreemptions()).isEqualTo(1);
    assertThat(done.getStatus().getFailures()).isNull();
    assertThat(done.getStatus().getAttempts()).isEqualTo(2);
    assertThat(done.getStatus().getPlacement().getProviderConfig()).isEqualTo(local);
    assertThat(done.getStatus().getEarlierAttempts()).extracting(AttemptRange::getProviderConfig)
        .containsExactly(community);
    assertThat(done.getStatus().getPlacement().getSkips()).anySatisfy(skip -> {
      assertThat(skip.getProviderConfig()).isEqualTo(community);
      assertThat(skip.getSpot()).isTrue();
      assertThat(skip.getReason()).isEqualTo("Preempted");
    });
    assertThat(runpod.stub().allPods()).as("the reclaimed pod, released").singleElement()
        .satisfies(p -> assertThat(p.live()).isFalse());
    assertThat(job.getMetadata().getName()).isEqualTo("spot");
  }
}
