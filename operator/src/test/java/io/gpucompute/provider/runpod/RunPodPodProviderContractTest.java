package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadVolume;
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
class RunPodPodProviderContractTest extends GpuProviderContractTest {

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

  /** One {@code myself { pods }} query for all pods, then the log of each started one. */
  @Override
  protected boolean observesInBulk() {
    return true;
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
  protected Support pullSecrets() {
    return Support.HONOURED;
  }

  /** The pod was deployed with a registry auth that holds the login, and names it in its environment. */
  @Override
  protected void assertPullSecretUsed(WorkloadKey key, PullSecret secret, SubmitResult submitted) {
    RunPodStub.Pod pod = runpod.stub().podsNamed(key.workloadName()).get(0);
    RunPodStub.RegistryAuth auth = runpod.stub().registryAuth(pod.input.path("containerRegistryAuthId").asText(null));
    assertThat(auth).as("the pod's registry auth").isNotNull();
    assertThat(auth.username()).isEqualTo("puller");
    assertThat(auth.password()).isEqualTo("pull-secret-7c2e91");
    assertThat(pod.env).containsEntry(RegistryAuths.VARIABLE, auth.name());
  }

  @Override
  protected Support volumes(String kind) {
    return kind.equals("persistentVolumeClaim") ? Support.REFUSED : Support.HONOURED;
  }

  @Override
  protected String providerVolumeId() {
    return RunPodStub.NETWORK_VOLUME;
  }

  /** Pods here are local processes: the scratch directory is made on this host, under the test's directory. */
  @Override
  protected String scratchMountPath() {
    return markers.resolve("scratch").toString();
  }

  @Override
  protected void assertVolumeMounted(WorkloadKey key, WorkloadVolume volume, Observation finished) {
    RunPodStub.Pod pod = runpod.stub().podsNamed(key.workloadName()).get(0);
    if (volume.source() instanceof WorkloadVolume.ProviderStorage storage) {
      assertThat(pod.input.path("networkVolumeId").asText()).isEqualTo(storage.id());
      assertThat(pod.input.path("dataCenterId").asText()).isEqualTo(RunPodStub.NETWORK_VOLUME_DATA_CENTER);
      assertThat(pod.input.path("volumeMountPath").asText()).isEqualTo(volume.mountPath());
    } else {
      assertThat(Path.of(volume.mountPath())).isDirectory();
    }
    assertThat(runpod.stub().violations()).isEmpty();
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }
}
