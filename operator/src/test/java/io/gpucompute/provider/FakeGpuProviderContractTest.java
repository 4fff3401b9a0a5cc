package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The in-memory {@link FakeGpuProvider} passes the same contract as every real adapter. */
class FakeGpuProviderContractTest extends GpuProviderContractTest {

  private final FakeGpuProvider.Cloud cloud = new FakeGpuProvider.Cloud(List.of("A100"), 8);

  @Override
  protected GpuProvider newProvider() {
    return new FakeGpuProvider(cloud);
  }

  @Override
  protected WorkloadSpec shellWorkload(WorkloadKey key, String gpuType, String script, Map<String, String> env) {
    return new WorkloadSpec(key, "busybox", List.of("sh", "-c", script), List.of(), env,
        new GpuDemand(gpuType, 1, null), null, null);
  }

  @Override
  protected String offeredGpuType() {
    return "A100";
  }

  @Override
  protected int workloadsStartedFor(WorkloadKey key) {
    return cloud.creates(key);
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    assertThat(cloud.workload(key).map(FakeGpuProvider.Workload::state)).isNotEqualTo(java.util.Optional.of(
        WorkloadState.RUNNING));
  }

  @Override
  protected Support pullSecrets() {
    return Support.HONOURED;
  }

  @Override
  protected void assertPullSecretUsed(WorkloadKey key, PullSecret secret, SubmitResult submitted) {
    assertThat(cloud.workload(key).orElseThrow().spec().pullSecrets()).containsExactly(secret);
  }

  @Override
  protected Support volumes(String kind) {
    return Support.HONOURED;
  }

  @Override
  protected String providerVolumeId() {
    return "fake-volume-1";
  }

  @Override
  protected void assertVolumeMounted(WorkloadKey key, WorkloadVolume volume, Observation finished) {
    assertThat(cloud.workload(key).orElseThrow().spec().volumes()).contains(volume);
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(5);
  }
}
