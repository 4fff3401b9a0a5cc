package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.Observation;
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

/** The provider contract against {@link EcsStub}: instances whose UserData really runs the workload locally. */
class AlibabaEcsProviderContractTest extends GpuProviderContractTest {

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    return new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS)
        .create("alibaba", AlibabaTestSupport.spec(ecs.stub(), a -> {}), AlibabaTestSupport.credentials());
  }

  @Override
  protected WorkloadSpec shellWorkload(WorkloadKey key, String gpuType, String script, Map<String, String> env) {
    return AlibabaTestSupport.shell(key, gpuType, 1, script, env);
  }

  @Override
  protected String offeredGpuType() {
    return "A10";
  }

  /** DescribeInstances by this ProviderConfig's tag, a page at a time, and the Cloud Assistant reads together. */
  @Override
  protected boolean observesInBulk() {
    return true;
  }

  @Override
  protected int workloadsStartedFor(WorkloadKey key) {
    return ecs.stub().instancesOf(key.workloadName()).size();
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    assertThat(ecs.stub().instancesOf(key.workloadName()))
        .allSatisfy(i -> assertThat(i.gone()).as("instance %s is released and its processes gone", i.id).isTrue());
  }

  @Override
  protected Support pullSecrets() {
    return Support.REFUSED;
  }

  @Override
  protected Support volumes(String kind) {
    return kind.equals("persistentVolumeClaim") ? Support.REFUSED : Support.HONOURED;
  }

  @Override
  protected String providerVolumeId() {
    return EcsStub.SNAPSHOT;
  }

  /**
   * A snapshot became a data disk at boot, which the UserData mounted; every volume is bound into the container at
   * its mount path.
   */
  @Override
  protected void assertVolumeMounted(WorkloadKey key, WorkloadVolume volume, Observation finished) {
    EcsStub.Instance instance = ecs.stub().instancesOf(key.workloadName()).get(0);
    Path gpujob = instance.dir.resolve("gpujob");
    assertThat(gpujob.resolve("docker").resolve("gpujob.volumes")).content()
        .contains(gpujob.resolve("volumes").resolve(volume.name()) + ":" + volume.mountPath());
    if (volume.source() instanceof WorkloadVolume.ProviderStorage storage) {
      assertThat(instance.request).containsEntry("DataDisk.1.SnapshotId", storage.id());
      assertThat(gpujob.resolve("mounts")).content().contains("/dev/vdb " + gpujob.resolve("volumes")
          .resolve(volume.name()));
    }
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(30);
  }
}
