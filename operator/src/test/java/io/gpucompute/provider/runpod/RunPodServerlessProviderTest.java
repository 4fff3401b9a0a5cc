package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serverless mode ({@code spec.runpod.endpointId}) against the stub's endpoint, whose worker runs the input's command
 * with its env: success and its output, failure and its error, the queue, cancel, and the endpoint's errors.
 */
class RunPodServerlessProviderTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  private RunPodProviderFactory factory;
  private GpuProvider provider;
  private final List<WorkloadKey> keys = new ArrayList<>();

  @BeforeEach
  void createProvider() throws ProviderException {
    factory = new RunPodProviderFactory(RunPodTestSupport.settings(markers));
    provider = provider(RunPodStub.ENDPOINT_ID, RunPodStub.API_KEY);
  }

  @AfterEach
  void cancelEverything() throws ProviderException {
    for (WorkloadKey key : keys) {
      provider.cancel(key);
    }
  }

  private GpuProvider provider(String endpointId, String apiKey) throws ProviderException {
    return factory.create("runpod-sls",
        RunPodTestSupport.spec(runpod.stub(), r -> r.setEndpointId(endpointId)), RunPodTestSupport.credentials(apiKey));
  }

  private WorkloadKey newKey() {
    WorkloadKey key = RunPodTestSupport.newKey("sls");
    keys.add(key);
    return key;
  }

  private Observation awaitFinished(WorkloadKey key) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(key), o -> o.state().isFinished());
  }

  @Test
  void aCompletedRequestSucceedsWithItsOutputInTheLogTail() throws ProviderException {
    WorkloadKey key = newKey();

    SubmitResult submitted = provider.submit(RunPodTestSupport.shell(key, "A100", 1, "echo served-$GREETING",
        Map.of("GREETING", "hi")));
    Observation done = awaitFinished(key);

    assertThat(done.state()).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(done.exitCode()).isZero();
    assertThat(done.externalId()).isEqualTo(submitted.externalId());
    assertThat(done.logTail()).contains("served-hi");
    assertThat(done.message()).contains("completed", "ms of execution");
    assertThat(submitted.note()).contains(RunPodStub.ENDPOINT_ID, "is not used");
    JsonNode input = runpod.stub().job(submitted.externalId()).input;
    assertThat(input.get("workload").asText()).isEqualTo(key.workloadName());
    assertThat(input.get("command")).extracting(JsonNode::asText).containsExactly("sh", "-c");
    assertThat(input.get("env").get("GREETING").asText()).isEqualTo("hi");
  }

  @Test
  void aFailedRequestFailsWithTheHandlersError() throws ProviderException {
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "echo broken-input; exit 2"));

    Observation done = awaitFinished(key);

    assertThat(done.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(done.exitCode()).isNull();
    assertThat(done.message()).contains("failed", "CommandFailed: the command exited with code 2", "broken-input");
    assertThat(done.logTail()).contains("error_message");
  }

  @Test
  void aQueuedRequestIsPendingThenRunning() throws ProviderException {
    WorkloadKey key = newKey();
    provider.submit(RunPodTestSupport.shell(key, "sleep 300"));

    assertThat(provider.observe(key).state()).isIn(WorkloadState.PENDING, WorkloadState.RUNNING);
    await().atMost(WAIT).until(() -> provider.observe(key).state() == WorkloadState.RUNNING);
  }

  @Test
  void submittingTwiceSendsOneRequest() throws ProviderException {
    WorkloadKey key = newKey();
    var spec = RunPodTestSupport.shell(key, "sleep 300");

    assertThat(provider.submit(spec).externalId()).isEqualTo(provider.submit(spec).externalId());
    assertThat(runpod.stub().calls()).filteredOn(c -> c.operationName().equals("run")).hasSize(1);
  }

  @Test
  void cancelCancelsTheRequestAndLeavesNothingLive() throws ProviderException {
    WorkloadKey key = newKey();
    SubmitResult submitted = provider.submit(RunPodTestSupport.shell(key, "sleep 300"));
    await().atMost(WAIT).until(() -> provider.observe(key).state() == WorkloadState.RUNNING);

    provider.cancel(key);

    assertThat(runpod.stub().liveJobs()).isEmpty();
    assertThat(runpod.stub().job(submitted.externalId()).status).isEqualTo("CANCELLED");
    assertThat(provider.observe(key, submitted.externalId()).state()).isEqualTo(WorkloadState.LOST);
  }

  @Test
  void aRequestThatHasEndedIsNeverCancelled() throws ProviderException {
    WorkloadKey key = newKey();
    SubmitResult submitted = provider.submit(RunPodTestSupport.shell(key, "true"));
    awaitFinished(key);

    provider.cancel(key, submitted.externalId());

    assertThat(runpod.stub().calls()).noneMatch(call -> call.route().equals("serverless")
        && call.operationName().equals("cancel"));
    assertThat(runpod.stub().job(submitted.externalId()).status).isEqualTo("COMPLETED");
  }

  @Test
  void aFreshProviderFindsARequestFromTheIdTheJobRecordedAndOnlyFromIt() throws ProviderException {
    WorkloadKey key = newKey();
    SubmitResult submitted = provider.submit(RunPodTestSupport.shell(key, "true"));
    awaitFinished(key);

    GpuProvider afterRestart = new RunPodProviderFactory(RunPodTestSupport.settings(markers)).create("runpod-sls",
        RunPodTestSupport.spec(runpod.stub(), r -> r.setEndpointId(RunPodStub.ENDPOINT_ID)),
        RunPodTestSupport.credentials(RunPodStub.API_KEY));

    assertThat(afterRestart.findsWorkloadsByKey()).isFalse();
    assertThat(afterRestart.observe(key).state()).isEqualTo(WorkloadState.NOT_FOUND);
    assertThat(afterRestart.observe(key, submitted.externalId()).state()).isEqualTo(WorkloadState.SUCCEEDED);
  }

  @Test
  void aRunWhoseAnswerIsLostIsAnUnknownOutcomeAndIsNotSentAgain() throws ProviderException {
    runpod.stub().fault("serverless:run", RunPodStub.Fault.lostReply(500));
    WorkloadKey key = newKey();

    assertThatThrownBy(() -> provider.submit(RunPodTestSupport.shell(key, "true")))
        .isInstanceOf(ProviderException.OutcomeUnknown.class).hasMessageContaining("500");
    assertThat(runpod.stub().requestsFor(key.workloadName())).as("RunPod queued it").hasSize(1);
    assertThat(runpod.stub().calls()).filteredOn(call -> call.operationName().equals("run")).hasSize(1);
    // Only the ledger knows its id: the test cancels it, so nothing is left.
    provider.cancel(key, runpod.stub().requestsFor(key.workloadName()).get(0).id);
  }

  @Test
  void aProviderRebuiltAfterAConfigEditStillKnowsTheRequestsInFlight() throws ProviderException {
    WorkloadKey key = newKey();
    SubmitResult submitted = provider.submit(RunPodTestSupport.shell(key, "sleep 300"));

    GpuProvider rebuilt = provider(RunPodStub.ENDPOINT_ID, RunPodStub.API_KEY);

    assertThat(rebuilt.observe(key).externalId()).isEqualTo(submitted.externalId());
    assertThat(rebuilt.submit(RunPodTestSupport.shell(key, "sleep 300")).externalId())
        .isEqualTo(submitted.externalId());
    rebuilt.cancel(key);
    assertThat(runpod.stub().liveJobs()).isEmpty();
  }

  @Test
  void anUnknownKeyIsNotFoundAndCancellingItIsANoOp() throws ProviderException {
    WorkloadKey key = newKey();

    assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.NOT_FOUND);
    provider.cancel(key);
    assertThat(runpod.stub().calls()).isEmpty();
  }

  @Test
  void theProbeChecksTheEndpoint() throws ProviderException {
    ProbeResult ready = provider.probe();
    ProbeResult missing = provider("ep-nope", RunPodStub.API_KEY).probe();
    ProbeResult badKey = provider(RunPodStub.ENDPOINT_ID, "rp-wrong").probe();

    assertThat(ready.ready()).isTrue();
    assertThat(ready.message()).contains(RunPodStub.ENDPOINT_ID, "idle");
    assertThat(missing.ready()).isFalse();
    assertThat(missing.reason()).isEqualTo("EndpointNotFound");
    assertThat(badKey.reason()).isEqualTo("InvalidCredentials");
  }

  @Test
  void anUnknownEndpointIsAnInvalidRequestAndAnUnknownGpuTypeToo() throws ProviderException {
    GpuProvider missing = provider("ep-nope", RunPodStub.API_KEY);

    assertThatThrownBy(() -> missing.submit(RunPodTestSupport.shell(newKey(), "true")))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("ep-nope");
    assertThatThrownBy(() -> provider.submit(RunPodTestSupport.shell(newKey(), "TPU-V5", 1, "true", Map.of())))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("A100");
  }

  @Test
  void serverErrorsAreTransient() throws ProviderException {
    runpod.stub().fault("serverless:run", RunPodStub.Fault.answer(503, "{\"error\":\"no workers\"}"));

    assertThatThrownBy(() -> provider.submit(RunPodTestSupport.shell(newKey(), "true")))
        .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("no workers");
    assertThat(runpod.stub().liveJobs()).isEmpty();
  }

  @Test
  void offersHaveNoPriceBecauseEndpointsBillPerSecond() throws ProviderException {
    assertThat(provider.offers()).isNotEmpty().allSatisfy(o -> assertThat(o.pricePerHour()).isNull())
        .extracting(Offer::gpuType).contains("A100");
  }

  @Test
  void statusMapping() throws Exception {
    assertThat(RunPodServerlessProvider.verdict("j", Json.MAPPER.readTree("{\"status\":\"TIMED_OUT\"}")).state())
        .isEqualTo(WorkloadState.FAILED);
    assertThat(RunPodServerlessProvider.verdict("j", Json.MAPPER.readTree("{\"status\":\"IN_QUEUE\"}")).state())
        .isEqualTo(WorkloadState.PENDING);
    assertThat(RunPodServerlessProvider.verdict("j", Json.MAPPER.readTree("{\"status\":\"RUNNING\"}")).state())
        .isEqualTo(WorkloadState.RUNNING);
    assertThat(RunPodServerlessProvider.verdict("j", Json.MAPPER.readTree(
        "{\"status\":\"FAILED\",\"error\":\"plain words\"}")).message()).contains("plain words");
  }
}
