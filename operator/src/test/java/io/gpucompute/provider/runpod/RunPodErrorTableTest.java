package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of the error table (see {@link RunPodErrors}) against the stub, end to end through HTTP: the exception
 * type and reason, RunPod's message in the exception message, and never the API key. None of them leaves a pod.
 */
class RunPodErrorTableTest {

  private static final String WRONG_KEY = "rp-wrong-key-0b7d41";

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  private final List<WorkloadKey> keys = new ArrayList<>();

  @AfterEach
  void cancelEverything() throws ProviderException {
    GpuProvider cleaner = provider(RunPodStub.API_KEY, RunPodTestSupport.settings(markers));
    for (WorkloadKey key : keys) {
      cleaner.cancel(key);
    }
  }

  private GpuProvider provider(String apiKey, RunPodSettings settings) throws ProviderException {
    return new RunPodProviderFactory(settings).create("runpod", RunPodTestSupport.spec(runpod.stub(), r -> {}),
        RunPodTestSupport.credentials(apiKey));
  }

  private GpuProvider provider() throws ProviderException {
    return provider(RunPodStub.API_KEY, RunPodTestSupport.settings(markers));
  }

  private WorkloadSpec workload() {
    WorkloadKey key = RunPodTestSupport.newKey("errors");
    keys.add(key);
    return RunPodTestSupport.shell(key, "sleep 300");
  }

  /** Asserts the call throws {@code type} with {@code reason}, saying {@code said}, and never the key. */
  private static void assertRefused(ThrowingCallable call, Class<? extends ProviderException> type, String reason,
      String... said) {
    assertThatThrownBy(call).isInstanceOf(type)
        .satisfies(e -> assertThat(((ProviderException) e).reason()).isEqualTo(reason))
        .hasMessageContainingAll(said)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(RunPodStub.API_KEY).doesNotContain(WRONG_KEY));
  }

  @Test
  void aWrongKeyIsInvalidCredentialsForEveryCallAndTheProbe() throws ProviderException {
    GpuProvider provider = provider(WRONG_KEY, RunPodTestSupport.settings(markers));

    ProbeResult probe = provider.probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("InvalidCredentials");
    assertThat(probe.message()).contains("HTTP 401", "apiKey").doesNotContain(WRONG_KEY);
    assertRefused(() -> provider.submit(workload()), ProviderException.InvalidCredentials.class, "InvalidCredentials",
        "HTTP 401");
    assertRefused(provider::offers, ProviderException.InvalidCredentials.class, "InvalidCredentials", "HTTP 401");
    assertThat(runpod.stub().allPods()).isEmpty();
  }

  @Test
  void aSecretWithoutApiKeyIsRefusedBeforeAnyCall() {
    ProviderConfigSpec spec = RunPodTestSupport.spec(runpod.stub(), r -> {});

    assertRefused(() -> new RunPodProviderFactory().create("runpod", spec, new Credentials(Map.of("token", "x"))),
        ProviderException.InvalidRequest.class, "CredentialsKeyMissing", "apiKey");
    assertThat(runpod.stub().calls()).isEmpty();
  }

  @Test
  void noInstancesAvailableIsNoCapacityAndNoPodUntilCapacityReturns() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadSpec spec = workload();
    runpod.stub().setCapacity("NVIDIA A100 80GB PCIe", false);

    assertRefused(() -> provider.submit(spec), ProviderException.NoCapacity.class, "NoCapacity",
        "no longer any instances available");
    assertThat(runpod.stub().allPods()).isEmpty();

    runpod.stub().setCapacity("NVIDIA A100 80GB PCIe", true);
    provider.submit(spec);
    assertThat(runpod.stub().podsNamed(spec.key().workloadName())).hasSize(1);
  }

  @Test
  void notEnoughFreeGpusIsNoCapacityToo() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.answer(200,
        "{\"data\":{\"podFindAndDeployOnDemand\":null},\"errors\":[{\"message\":\"There are not enough free GPUs on the "
            + "host machine to start this pod.\",\"path\":[\"podFindAndDeployOnDemand\"]}]}"));

    assertRefused(() -> provider.submit(workload()), ProviderException.NoCapacity.class, "NoCapacity",
        "not enough free GPUs");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void serverErrorsAreTransient(int status) throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:MyPods", RunPodStub.Fault.answer(status, "<html>Bad Gateway</html>"));

    assertRefused(() -> provider.submit(workload()), ProviderException.Transient.class, "RunPodUnavailable",
        "HTTP " + status, "Bad Gateway");
    assertThat(runpod.stub().allPods()).isEmpty();
  }

  @Test
  void rateLimitingIsTransient() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:Pod", RunPodStub.Fault.answer(429, "{\"error\":\"too many requests\"}"));
    WorkloadSpec spec = workload();
    provider.submit(spec);

    assertRefused(() -> provider.observe(spec.key()), ProviderException.Transient.class, "RunPodRateLimited",
        "HTTP 429", "too many requests");
  }

  @Test
  void aTimeoutIsTransient() throws ProviderException {
    RunPodSettings impatient = new RunPodSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofSeconds(1),
        200, markers.toString());
    GpuProvider provider = provider(RunPodStub.API_KEY, impatient);
    runpod.stub().fault("graphql:GpuTypes", RunPodStub.Fault.never());

    assertRefused(provider::offers, ProviderException.Transient.class, "RunPodTimeout", "did not answer in time");
  }

  @Test
  void aBodyThatIsNotJsonIsTransient() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:GpuTypes", RunPodStub.Fault.answer(200, "<html>maintenance</html>"));

    assertRefused(provider::offers, ProviderException.Transient.class, "RunPodBadResponse", "not the expected JSON",
        "maintenance");
  }

  @Test
  void jsonWithNeitherDataNorErrorsIsTransient() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:GpuTypes", RunPodStub.Fault.answer(200, "{\"hello\":1}"));

    assertRefused(provider::offers, ProviderException.Transient.class, "RunPodBadResponse", "neither data nor errors");
  }

  @Test
  void somethingWentWrongIsTransientAndSaysSo() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.answer(200, "{\"data\":null,\"errors\":"
        + "[{\"message\":\"Something went wrong. Please try again later or contact support.\","
        + "\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\"}}]}"));

    assertRefused(() -> provider.submit(workload()), ProviderException.Transient.class, "RunPodInternalError",
        "Something went wrong. Please try again later or contact support.");
  }

  @Test
  void anyOtherGraphQlErrorSurfacesItsMessage() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.answer(200,
        "{\"data\":null,\"errors\":[{\"message\":\"Docker image pull is rate-limited for this registry\"}]}"));

    assertRefused(() -> provider.submit(workload()), ProviderException.Transient.class, "RunPodError",
        "Docker image pull is rate-limited for this registry", "deploying pod");
  }

  @Test
  void aGraphQlValidationErrorIsAnInvalidRequest() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().fault("graphql:PodFindAndDeployOnDemand", RunPodStub.Fault.answer(400, "{\"errors\":[{\"message\":"
        + "\"Field \\\"bogus\\\" is not defined by type PodFindAndDeployOnDemandInput.\",\"extensions\":{\"code\":"
        + "\"GRAPHQL_VALIDATION_FAILED\"}}]}"));

    assertRefused(() -> provider.submit(workload()), ProviderException.InvalidRequest.class, "RunPodRejected",
        "HTTP 400", "is not defined by type PodFindAndDeployOnDemandInput");
  }

  @Test
  void anUnreachableEndpointIsTransientAndTheProbeSaysSo() throws ProviderException {
    GpuProvider provider = provider();
    runpod.stub().close(); // nothing listens on its port any more

    assertRefused(provider::offers, ProviderException.Transient.class, "RunPodUnreachable", "cannot reach RunPod",
        "127.0.0.1");
    assertThat(provider.probe()).satisfies(p -> {
      assertThat(p.ready()).isFalse();
      assertThat(p.reason()).isEqualTo("RunPodUnreachable");
    });
  }

  @Test
  void anUnknownGpuTypeListsTheKnownOnesAndCallsNothing() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadKey key = RunPodTestSupport.newKey("unknown");

    assertRefused(() -> provider.submit(RunPodTestSupport.shell(key, "TPU-V5", 1, "true", Map.of())),
        ProviderException.InvalidRequest.class, "UnknownGpuType", "TPU-V5", "A100", "H100", "H200", "L4", "L40S",
        "RTX4090", "A6000", "T4");
    assertThat(runpod.stub().calls()).isEmpty();
  }

  @Test
  void requestsThatCanNeverRunAsAPodAreRefusedBeforeAnyCall() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadKey key = RunPodTestSupport.newKey("invalid");
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < PodRequest.MAX_ENV; i++) {
      tooMany.put("V" + i, "x");
    }

    assertRefused(() -> provider.submit(new WorkloadSpec(key, "busybox", List.of(), List.of(), Map.of(),
        new io.gpucompute.provider.GpuDemand("A100", 1, null), null, null)), ProviderException.InvalidRequest.class,
        "CommandRequired", "spec.command");
    assertRefused(() -> provider.submit(RunPodTestSupport.shell(key, "A100", 1, "true", tooMany)),
        ProviderException.InvalidRequest.class, "TooManyEnvVars", "50");
    assertRefused(() -> provider.submit(RunPodTestSupport.shell(key, "A100", 1, "true",
        Map.of(RunOnce.SCRIPT_VARIABLE, "x"))), ProviderException.InvalidRequest.class, "InvalidEnv", "reserved");
    assertRefused(() -> provider.submit(RunPodTestSupport.shell(key, "A100", 1, "true", Map.of("A=B", "x"))),
        ProviderException.InvalidRequest.class, "InvalidEnv", "A=B");
    assertRefused(() -> provider.submit(new WorkloadSpec(key, "busybox", List.of("true"), List.of(), Map.of(),
        new io.gpucompute.provider.GpuDemand("L4", 1, 48), null, null)), ProviderException.InvalidRequest.class,
        "InsufficientGpuMemory", "24 GiB");
    assertThat(runpod.stub().calls()).isEmpty();
  }

  @Test
  void theKeyTravelsOnlyAsABearerHeader() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadSpec spec = workload();

    provider.probe();
    provider.offers();
    provider.submit(spec);
    provider.observe(spec.key());
    provider.cancel(spec.key());

    // The stub flags a missing or malformed Authorization header and any key in a URL (checked after each test).
    assertThat(runpod.stub().operations()).contains("Myself", "GpuTypes", "MyPods", "PodFindAndDeployOnDemand",
        "PodTerminate");
  }
}
