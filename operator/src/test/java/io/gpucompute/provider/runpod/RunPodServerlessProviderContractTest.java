package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RunPod adapter in serverless mode against the provider contract, on {@link RunPodStub}'s endpoint, whose
 * worker runs each request's command as a process. Its capabilities differ from the other adapters' in two ways the
 * contract states: a failed request has no exit code (RunPod reports FAILED with an error text), and requests cannot
 * be listed (RunPod finds them by id only), so the orphan sweep does not cover serverless endpoints. A fresh adapter
 * finds a request from the id the job's status recorded. The ground truth is the stub's ledger of requests.
 */
class RunPodServerlessProviderContractTest extends GpuProviderContractTest {

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    return new RunPodProviderFactory(RunPodTestSupport.settings(markers)).create("runpod-sls",
        RunPodTestSupport.spec(runpod.stub(), r -> r.setEndpointId(RunPodStub.ENDPOINT_ID)),
        RunPodTestSupport.credentials(RunPodStub.API_KEY));
  }

  @Override
  protected WorkloadSpec shellWorkload(WorkloadKey key, String gpuType, String script, Map<String, String> env) {
    return RunPodTestSupport.shell(key, gpuType, 1, script, env);
  }

  @Override
  protected String offeredGpuType() {
    return "A100";
  }

  @Override
  protected boolean reportsExitCodes() {
    return false;
  }

  @Override
  protected boolean listsWorkloads() {
    return false;
  }

  @Override
  protected int workloadsStartedFor(WorkloadKey key) {
    return runpod.stub().requestsFor(key.workloadName()).size();
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    assertThat(runpod.stub().requestsFor(key.workloadName()))
        .allSatisfy(request -> assertThat(request.workerAlive()).as("the worker of request %s", request.id).isFalse());
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }

  @Override
  protected Support pullSecrets() {
    return Support.REFUSED;
  }

  @Override
  protected Support volumes(String kind) {
    return Support.REFUSED;
  }
}
