package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadVolume;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which volumes an ECS instance can have, and how its UserData mounts them. */
class EcsVolumesTest {

  private static WorkloadVolume storage(String id, boolean readOnly) {
    return new WorkloadVolume("data", "/data", readOnly, new WorkloadVolume.ProviderStorage(id));
  }

  @Test
  void snapshotsBecomeDataDisksInOrderAndNasMountTargetsAreMountedOverNfs() throws ProviderException {
    List<WorkloadVolume> volumes = List.of(storage("s-first", true),
        new WorkloadVolume("ckpt", "/ckpt", false, new WorkloadVolume.ProviderStorage(
            "0a1b2c-xyz.cn-hangzhou.nas.aliyuncs.com:/checkpoints")),
        new WorkloadVolume("more", "/more", false, new WorkloadVolume.ProviderStorage("s-second")),
        new WorkloadVolume("tmp", "/tmp/work", false, new WorkloadVolume.Scratch(10)));

    assertThat(EcsVolumes.snapshots(volumes, "cn-hangzhou")).containsExactly("s-first", "s-second");
    assertThat(EcsVolumes.mounts(volumes))
        .contains("mount -o ro \"$(gpujob_data_disk 1)\" \"$GPUJOB_DIR/volumes/data\"")
        .contains("mount -t nfs -o vers=3,nolock,proto=tcp,noresvport "
            + "0a1b2c-xyz.cn-hangzhou.nas.aliyuncs.com:/checkpoints \"$GPUJOB_DIR/volumes/ckpt\"")
        .contains("mount -o rw \"$(gpujob_data_disk 2)\" \"$GPUJOB_DIR/volumes/more\"")
        .contains("mkdir -p \"$GPUJOB_DIR/volumes/tmp\"");
  }

  @Test
  void aMountTargetOfAnotherRegionAnExistingDiskAndAClaimAreRefused() {
    assertThatThrownBy(() -> EcsVolumes.snapshots(List.of(storage("0a1b.cn-beijing.nas.aliyuncs.com:/x", false)),
        "cn-hangzhou")).isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("VolumeRegionMismatch")).hasMessageContaining("cn-hangzhou");
    assertThatThrownBy(() -> EcsVolumes.snapshots(List.of(storage("d-bp1disk", false)), "cn-hangzhou"))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("VolumeNotSupported")).hasMessageContaining("take a snapshot");
    assertThatThrownBy(() -> EcsVolumes.snapshots(List.of(new WorkloadVolume("data", "/data", false,
        new WorkloadVolume.Claim("data"))), "cn-hangzhou")).hasMessageContaining("PersistentVolumeClaim");
  }
}
