package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.AlibabaInstanceType;
import io.gpucompute.api.v1alpha1.AlibabaProviderSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ComputeDemand;
import io.gpucompute.api.v1alpha1.CurrencyRate;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.provider.SpotRequest;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AlibabaECS adapter against {@link EcsStub}: every row of the error table, idempotency across crashes,
 * timeouts and parameter changes, offers and prices, and what RunInstances carries. The stub's ledger must hold no
 * live instance after each test.
 */
class AlibabaEcsProviderTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

  private final List<WorkloadKey> keys = new ArrayList<>();
  private final List<GpuProvider> providers = new ArrayList<>();

  @AfterEach
  void cancelEverything() throws ProviderException {
    GpuProvider cleaner = provider(a -> {});
    for (WorkloadKey key : keys) {
      cleaner.cancel(key);
    }
    providers.forEach(GpuProvider::close);
  }

  /** A provider of a fresh factory (as after an operator restart), on the stub with the test key pair. */
  private GpuProvider provider(Consumer<AlibabaProviderSpec> customize) throws ProviderException {
    return provider(customize, AlibabaTestSupport.credentials());
  }

  private GpuProvider provider(Consumer<AlibabaProviderSpec> customize, Credentials credentials)
      throws ProviderException {
    GpuProvider provider = new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS)
        .create("alibaba", AlibabaTestSupport.spec(ecs.stub(), customize), credentials);
    providers.add(provider);
    return provider;
  }

  private WorkloadKey newKey(String name) {
    WorkloadKey key = AlibabaTestSupport.newKey(name);
    keys.add(key);
    return key;
  }

  private static Observation awaitFinished(GpuProvider provider, WorkloadKey key) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(key), o -> o.state().isFinished());
  }

  /** The ClientToken of the first RunInstances of {@code key} on the default instance type. */
  private static String firstToken(WorkloadKey key) {
    return ClientTokens.of(key.workloadName(), "ecs.gn7i-c8g1.2xlarge", 0);
  }

  private List<String> clientTokens() {
    return ecs.stub().runInstancesRequests().stream().map(r -> r.get("ClientToken")).toList();
  }

  /** Row: OperationDenied.NoStock. */
  @Nested
  class NoStock {

    @Test
    void theNextConfiguredInstanceTypeIsTried() throws ProviderException {
      ecs.stub().setNoStock("ecs.gn7i-c8g1.2xlarge", true);
      GpuProvider provider = provider(a -> a.setInstanceTypes(List.of(
          new AlibabaInstanceType("A10", 1, "ecs.gn7i-c8g1.2xlarge"),
          new AlibabaInstanceType("A10", 1, "ecs.gn7i-c16g1.4xlarge"))));
      WorkloadKey key = newKey("fallback");

      provider.submit(AlibabaTestSupport.shell(key, "echo on-the-second-type"));

      assertThat(ecs.stub().runInstancesRequests()).extracting(r -> r.get("InstanceType"))
          .containsExactly("ecs.gn7i-c8g1.2xlarge", "ecs.gn7i-c16g1.4xlarge");
      assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement()
          .satisfies(i -> assertThat(i.instanceType).isEqualTo("ecs.gn7i-c16g1.4xlarge"));
      Observation done = awaitFinished(provider, key);
      assertThat(done.state()).isEqualTo(WorkloadState.SUCCEEDED);
      assertThat(done.logTail()).contains("on-the-second-type");
    }

    @Test
    void withNoStockAnywhereItIsNoCapacityAndNothingIsCreatedUntilStockReturns() throws ProviderException {
      ecs.stub().setNoStock("ecs.gn7i-c8g1.2xlarge", true);
      GpuProvider provider = provider(a -> {});
      WorkloadKey key = newKey("patient");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo got-a-gpu");

      assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.NoCapacity.class)
          .hasMessageContaining("OperationDenied.NoStock").hasMessageContaining("ecs.gn7i-c8g1.2xlarge");
      assertThat(ecs.stub().allInstances()).isEmpty();

      ecs.stub().setNoStock("ecs.gn7i-c8g1.2xlarge", false);
      provider.submit(spec);

      assertThat(awaitFinished(provider, key).state()).isEqualTo(WorkloadState.SUCCEEDED);
      assertThat(ecs.stub().allInstances()).hasSize(1);
      assertThat(clientTokens()).as("a new token after the stock-out, as Alibaba advises").containsExactly(
          ClientTokens.of(key.workloadName(), "ecs.gn7i-c8g1.2xlarge", 0),
          ClientTokens.of(key.workloadName(), "ecs.gn7i-c8g1.2xlarge", 1));
    }
  }

  /** Row: InvalidAccessKeyId.NotFound and signature errors. */
  @Nested
  class BadCredentials {

    @Test
    void anUnknownAccessKeyIdIsInvalidCredentials() throws ProviderException {
      GpuProvider provider = provider(a -> {}, AlibabaTestSupport.credentials("LTAI5tRevokedKey0002", "whatever-1"));

      ProbeResult probe = provider.probe();

      assertThat(probe.ready()).isFalse();
      assertThat(probe.reason()).isEqualTo("InvalidCredentials");
      assertThat(probe.message()).contains("InvalidAccessKeyId.NotFound").doesNotContain("whatever-1");
      assertThatThrownBy(() -> provider.submit(AlibabaTestSupport.shell(newKey("never"), "echo never")))
          .isInstanceOf(ProviderException.InvalidCredentials.class);
      assertThat(ecs.stub().allInstances()).isEmpty();
    }

    @Test
    void aWrongSecretFailsTheSignatureAndIsInvalidCredentials() throws ProviderException {
      GpuProvider provider = provider(a -> {},
          AlibabaTestSupport.credentials(EcsStub.ACCESS_KEY_ID, "not-the-secret-77"));

      ProbeResult probe = provider.probe();

      assertThat(probe.ready()).isFalse();
      assertThat(probe.reason()).isEqualTo("InvalidCredentials");
      assertThat(probe.message()).contains("SignatureDoesNotMatch").doesNotContain("not-the-secret-77")
          .doesNotContain("server string to sign");
      assertThatThrownBy(() -> provider.offers()).isInstanceOf(ProviderException.InvalidCredentials.class);
    }

    @Test
    void aGoodKeyPairProbesReady() throws ProviderException {
      ProbeResult probe = provider(a -> {}).probe();

      assertThat(probe.ready()).as("probe: %s", probe).isTrue();
      assertThat(probe.message()).contains(EcsStub.REGION).doesNotContain(EcsStub.ACCESS_KEY_SECRET);
    }

    @Test
    void aMissingKeyIsNamedWithoutValues() {
      assertThatThrownBy(() -> provider(a -> {}, new Credentials(Map.of(
          AlibabaEcsProviderFactory.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_ID))))
          .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("accessKeySecret")
          .hasMessageNotContaining(EcsStub.ACCESS_KEY_ID);
    }
  }

  /** Row: Throttling, 5xx, timeouts: Transient, and the retry keeps the ClientToken. */
  @Nested
  class Transient {

    @Test
    void throttlingIsTransientAndTheRetryKeepsTheClientToken() throws ProviderException {
      ecs.stub().failNext("RunInstances", 400, "Throttling.User", "Request was denied due to user flow control.");
      GpuProvider provider = provider(a -> {});
      WorkloadKey key = newKey("throttled");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo ok");

      assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("Throttling.User")
          .satisfies(e -> assertThat(((ProviderException) e).reason()).isEqualTo("Throttled"));
      String id = provider.submit(spec).externalId();

      assertThat(clientTokens()).containsExactly(firstToken(key), firstToken(key));
      assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement().satisfies(i -> assertThat(i.id).isEqualTo(id));
    }

    @Test
    void serverErrorsAreTransient() throws ProviderException {
      ecs.stub().failNext("RunInstances", 500, "InternalError", "The request processing has failed due to some "
          + "unknown error.");
      ecs.stub().failNext("RunInstances", 503, "ServiceUnavailable", "The request has failed due to a temporary "
          + "failure of the server.");
      ecs.stub().failNext("DescribeInstances", 500, "InternalError", "unknown error");
      GpuProvider provider = provider(a -> {});
      WorkloadKey key = newKey("flaky");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo ok");

      assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("DescribeInstances");
      assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("InternalError");
      assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("ServiceUnavailable");
      provider.submit(spec);

      assertThat(clientTokens()).hasSize(3).containsOnly(firstToken(key));
      assertThat(ecs.stub().instancesOf(key.workloadName())).hasSize(1);
    }

    @Test
    void aRetryAfterATimeoutDoesNotCreateASecondInstance() throws ProviderException {
      GpuProvider provider = provider(a -> {});
      WorkloadKey key = newKey("slow");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo ok");
      CountDownLatch stalled = ecs.stub().stallNext("RunInstances");

      try {
        assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.Transient.class)
            .hasMessageContaining("RunInstances");
      } finally {
        stalled.countDown();
      }
      assertThat(ecs.stub().instancesOf(key.workloadName())).as("the timed-out call created it").hasSize(1);

      SubmitResult retried = provider.submit(spec);

      assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement()
          .satisfies(i -> assertThat(i.id).isEqualTo(retried.externalId()));
      assertThat(awaitFinished(provider, key).state()).isEqualTo(WorkloadState.SUCCEEDED);
    }

    @Test
    void aRetryAfterATimeoutThatMissesTheTagIndexGetsTheSameInstanceByClientToken() throws ProviderException {
      GpuProvider provider = provider(a -> {});
      WorkloadKey key = newKey("slow-index");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo ok");
      CountDownLatch stalled = ecs.stub().stallNext("RunInstances");
      try {
        assertThatThrownBy(() -> provider.submit(spec)).isInstanceOf(ProviderException.Transient.class);
      } finally {
        stalled.countDown();
      }
      ecs.stub().setTagIndexLag(1);

      SubmitResult retried = provider.submit(spec);

      assertThat(clientTokens()).containsExactly(firstToken(key), firstToken(key));
      assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement()
          .satisfies(i -> assertThat(i.id).isEqualTo(retried.externalId()));
    }
  }

  /** Row: IdempotentParameterMismatch. */
  @Nested
  class ParameterMismatch {

    @Test
    void theSameTokenWithOtherParametersIsTerminalAndNoNewTokenIsMade() throws ProviderException {
      WorkloadKey key = newKey("changed");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "sleep 300");
      String first = provider(a -> {}).submit(spec).externalId();
      // The operator restarts with an edited ProviderConfig and the tag look-up misses the instance.
      ecs.stub().setTagIndexLag(1);
      GpuProvider edited = provider(a -> a.setSystemDiskGiB(200));

      assertThatThrownBy(() -> edited.submit(spec)).isInstanceOf(ProviderException.InvalidRequest.class)
          .hasMessageContaining("IdempotentParameterMismatch")
          .satisfies(e -> assertThat(((ProviderException) e).reason()).isEqualTo("IdempotentParameterMismatch"));

      assertThat(clientTokens()).containsExactly(firstToken(key), firstToken(key));
      assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement()
          .satisfies(i -> assertThat(i.id).isEqualTo(first));
    }
  }

  /** Row: a spot instance ECS reclaims (OperationLocks Recycling) is preempted, not a failure. */
  @Nested
  class SpotReclaim {

    @Test
    void aReclaimedSpotInstanceIsPreempted() throws ProviderException {
      GpuProvider provider = provider(a -> {});
      WorkloadKey key = newKey("spot");
      provider.submit(AlibabaTestSupport.shell(key, "sleep 300"));
      await().atMost(java.time.Duration.ofSeconds(30)).until(() -> provider.observe(key).state() == WorkloadState.RUNNING);

      ecs.stub().reclaimSpot(ecs.stub().instancesOf(key.workloadName()).get(0));

      Observation reclaimed = awaitFinished(provider, key);
      assertThat(reclaimed.state()).isEqualTo(WorkloadState.PREEMPTED);
      assertThat(reclaimed.message()).contains("reclaimed", "Recycling");
    }
  }

  /** A crash between RunInstances and the operator's status write. */
  @Nested
  class CrashBetweenRunInstancesAndStatusWrite {

    @Test
    void aRestartedOperatorFindsTheInstanceByTag() throws ProviderException {
      WorkloadKey key = newKey("crash");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo once");
      String first = provider(a -> {}).submit(spec).externalId();
      GpuProvider restarted = provider(a -> {});

      SubmitResult again = restarted.submit(spec);

      assertThat(again.externalId()).isEqualTo(first);
      assertThat(ecs.stub().calls("RunInstances")).isEqualTo(1);
      assertThat(ecs.stub().instancesOf(key.workloadName())).hasSize(1);
      Observation done = awaitFinished(restarted, key);
      assertThat(done.state()).isEqualTo(WorkloadState.SUCCEEDED);
      assertThat(done.logTail()).isEqualTo("once");
    }

    @Test
    void aRestartedOperatorThatMissesTheTagGetsTheSameInstanceByClientToken() throws ProviderException {
      WorkloadKey key = newKey("crash-index");
      WorkloadSpec spec = AlibabaTestSupport.shell(key, "echo once");
      String first = provider(a -> {}).submit(spec).externalId();
      ecs.stub().setTagIndexLag(1);

      SubmitResult again = provider(a -> {}).submit(spec);

      assertThat(again.externalId()).isEqualTo(first);
      assertThat(ecs.stub().allInstances()).hasSize(1);
    }
  }

  @Test
  void runInstancesCarriesTheTokenTagsUserDataAndPayAsYouGo() throws ProviderException {
    GpuProvider provider = provider(a -> a.setKeyPairName("ops-key"));
    WorkloadKey key = newKey("tagged");

    provider.submit(AlibabaTestSupport.shell(key, "A10", 1, "echo hi", Map.of("TOKEN", "s3cr3t-value")));

    Map<String, String> request = ecs.stub().runInstancesRequests().get(0);
    assertThat(request).containsEntry("ClientToken", firstToken(key))
        .containsEntry("InstanceChargeType", "PostPaid").containsEntry("SpotStrategy", "NoSpot")
        .containsEntry("InstanceType", "ecs.gn7i-c8g1.2xlarge").containsEntry("SecurityGroupId", EcsStub.SECURITY_GROUP)
        .containsEntry("VSwitchId", EcsStub.VSWITCH).containsEntry("ZoneId", EcsStub.ZONE)
        .containsEntry("ImageId", "m-stubgpuimage01").containsEntry("KeyPairName", "ops-key")
        .containsEntry("Amount", "1").containsEntry("RegionId", EcsStub.REGION);
    assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement().satisfies(i -> {
      assertThat(i.tags).containsEntry("gpucompute.io/job-uid", key.uid())
          .containsEntry("gpucompute.io/managed-by", "gpu-compute-operator")
          .containsEntry("gpucompute.io/job", key.namespace() + "/" + key.name())
          .containsEntry("gpucompute.io/provider-config", "alibaba");
      assertThat(i.userData).startsWith("#!/bin/bash").contains("docker run -d --name gpujob");
    });
    assertThat(request.values()).as("the env value travels only inside the Base64 UserData")
        .noneMatch(v -> v.contains("s3cr3t-value"));
  }

  @Test
  void aSpotAttemptIsBoughtAsSpotAndAnOnDemandOneAsPayAsYouGoWhateverTheProviderConfigSays()
      throws ProviderException {
    GpuProvider provider = provider(a -> {
      a.setSpotStrategy(AlibabaProviderSpec.SpotStrategy.SpotWithPriceLimit);
      a.setSpotPriceLimit("4.5");
    });

    provider.submit(AlibabaTestSupport.shell(newKey("spot"), "echo hi").withSpot(SpotRequest.MARKET));
    provider.submit(AlibabaTestSupport.shell(newKey("steady"), "echo hi"));

    assertThat(ecs.stub().runInstancesRequests().get(0)).containsEntry("SpotStrategy", "SpotWithPriceLimit")
        .containsEntry("SpotPriceLimit", "4.5").containsEntry("SpotInterruptionBehavior", "Terminate");
    assertThat(ecs.stub().runInstancesRequests().get(1)).containsEntry("SpotStrategy", "NoSpot")
        .doesNotContainKey("SpotPriceLimit");
  }

  @Test
  void aJobsUsdPriceLimitBecomesTheSpotPriceLimitOfTheWholeInstanceInTheAccountsCurrency() throws ProviderException {
    ProviderConfigSpec spec = AlibabaTestSupport.spec(ecs.stub(), a -> {});
    spec.setCurrency(new CurrencyRate("CNY", "0.14"));
    GpuProvider provider = new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS).create("alibaba", spec,
        AlibabaTestSupport.credentials());
    providers.add(provider);

    provider.submit(AlibabaTestSupport.shell(newKey("capped"), "A10", 2, "echo hi", Map.of())
        .withSpot(new SpotRequest(new BigDecimal("0.70"))));
    provider.submit(AlibabaTestSupport.shell(newKey("market"), "echo hi").withSpot(SpotRequest.MARKET));

    assertThat(ecs.stub().runInstancesRequests().get(0)).containsEntry("SpotStrategy", "SpotWithPriceLimit")
        .as("2 GPUs x 0.70 USD / 0.14 USD per CNY").containsEntry("SpotPriceLimit", "10.0");
    assertThat(ecs.stub().runInstancesRequests().get(1)).containsEntry("SpotStrategy", "SpotAsPriceGo");
  }

  @Test
  void theInstanceTypeIsTheSmallestThatHoldsTheJobsCpusAndMemory() throws ProviderException {
    GpuProvider provider = provider(a -> {});
    WorkloadSpec small = AlibabaTestSupport.shell(newKey("small"), "echo hi");
    WorkloadSpec big = new WorkloadSpec(newKey("big"), small.image(), small.command(), small.args(), Map.of(),
        small.gpu(), new ComputeDemand(24, 100, null), null);
    WorkloadSpec huge = new WorkloadSpec(newKey("huge"), small.image(), small.command(), small.args(), Map.of(),
        small.gpu(), new ComputeDemand(64, null, null), null);

    provider.submit(small);
    provider.submit(big);

    assertThat(ecs.stub().runInstancesRequests()).extracting(r -> r.get("InstanceType"))
        .containsExactly("ecs.gn7i-c8g1.2xlarge", "ecs.gn7i-c32g1.8xlarge");
    assertThatThrownBy(() -> provider.submit(huge)).isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
        e -> assertThat(e.reason()).isEqualTo("UnsupportedInstanceSize"))
        .hasMessageContaining("64 vCPU").hasMessageContaining("ecs.gn7i-c32g1.8xlarge (32 vCPU, 188 GiB)");
  }

  @Test
  void cancelReleasesTheInstanceWithForce() throws ProviderException {
    GpuProvider provider = provider(a -> {});
    WorkloadKey key = newKey("doomed");
    provider.submit(AlibabaTestSupport.shell(key, "sleep 300"));
    await().atMost(WAIT).until(() -> provider.observe(key).state() == WorkloadState.RUNNING);

    provider.cancel(key);

    assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement().satisfies(i -> {
      assertThat(i.live()).isFalse();
      assertThat(i.gone()).isTrue();
    });
    assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.NOT_FOUND);
  }

  @Test
  void aContainerThatCannotStartFailsWithDockersCode125AndItsMessage() throws ProviderException {
    GpuProvider provider = provider(a -> {});
    WorkloadKey key = newKey("no-cmd");

    provider.submit(new WorkloadSpec(key, "nvcr.example/cuda:12.4", List.of(), List.of(), Map.of(),
        new io.gpucompute.provider.GpuDemand("A10", 1, null), null, null));
    Observation done = awaitFinished(provider, key);

    assertThat(done.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(done.exitCode()).isEqualTo(125);
    assertThat(done.logTail()).contains("the container did not start");
  }

  @Test
  void offersArePricedPerGpuOnDemandAndOnSpotInTheCurrencyAlibabaAnswersIn() throws ProviderException {
    GpuProvider provider = provider(a -> {});

    List<Offer> cny = provider.offers();
    ecs.stub().setCurrency("USD");
    List<Offer> usd = provider.offers();

    assertThat(cny).extracting(Offer::gpuType).containsExactly("T4", "V100", "A10", "A100");
    assertThat(cny).filteredOn(o -> o.gpuType().equals("A10")).singleElement().satisfies(o -> {
      assertThat(o.providerName()).isEqualTo("ecs.gn7i-c8g1.2xlarge, 12.31 CNY/h");
      assertThat(o.memoryGiB()).isEqualTo(24);
    });
    assertThat(cny).filteredOn(o -> o.gpuType().equals("A10")).singleElement().satisfies(o -> {
      assertThat(o.currency()).isEqualTo("CNY");
      assertThat(o.pricePerHour()).as("per GPU, in CNY").isEqualByComparingTo(new BigDecimal("12.31"));
      assertThat(o.spotPricePerHour()).as("the stub's spot discount").isEqualByComparingTo(new BigDecimal("3.0775"));
    });
    assertThat(usd).filteredOn(o -> o.gpuType().equals("A10")).singleElement().satisfies(o -> {
      assertThat(o.inUsd()).isTrue();
      assertThat(o.pricePerHour()).isEqualByComparingTo(new BigDecimal("12.31"));
    });
    assertThat(provider(a -> a.setSpotStrategy(AlibabaProviderSpec.SpotStrategy.NoSpot)).offers())
        .as("a ProviderConfig that runs no spot attempts offers no spot price").allMatch(o -> o.spotPricePerHour() == null);
  }

  @Test
  void anUnsupportedGpuCountNamesTheCountsThereAre() throws ProviderException {
    GpuProvider provider = provider(a -> {});

    assertThatThrownBy(() -> provider.submit(AlibabaTestSupport.shell(newKey("three"), "A10", 3, "echo", Map.of())))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("1, 2, 4");
    assertThat(ecs.stub().allInstances()).isEmpty();
  }
}
