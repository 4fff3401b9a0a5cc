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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RunPod adapter (pod mode) against the provider contract, on {@link RunPodStub}: every workload really runs as
 * the stub's container process, so success, output and exit codes are what the command the adapter sent does. The
 * ground truth is the stub's ledger of pods.
 */
class RunPodGpuProviderContractTest extends GpuProviderContractTest {

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    return new RunPodProviderFactory(RunPodTestSupport.settings(markers))
        .create("runpod", RunPodTestSupport.spec(runpod.stub(), r -> {}), RunPodTestSupport.credentials(RunPodStub.API_KEY));
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
  protected int workloadsStartedFor(WorkloadKey key) {
    return runpod.stub().podsNamed(key.workloadName()).size();
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    assertThat(runpod.stub().podsNamed(key.workloadName()))
        .allSatisfy(pod -> assertThat(pod.gone()).as("pod %s is terminated and its container gone", pod.id).isTrue());
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }
}
