package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadVolume;
import java.util.ArrayList;
import java.util.List;

/**
 * A workload's volumes as a Job's pod has them: a claim becomes a {@code persistentVolumeClaim} volume of the
 * namespace the Job runs in, an emptyDir an {@code emptyDir} (with its sizeLimit); the provider's own storage does not
 * exist on a cluster and is refused. Pure.
 */
final class JobVolumes {

  private JobVolumes() {}

  /**
   * The pod's volumes.
   *
   * @param cluster how messages name the cluster
   * @throws ProviderException.InvalidRequest (VolumeNotSupported) for a provider volume
   */
  static List<Volume> volumes(List<WorkloadVolume> volumes, String cluster) throws ProviderException.InvalidRequest {
    List<Volume> result = new ArrayList<>();
    for (WorkloadVolume volume : volumes) {
      VolumeBuilder pod = new VolumeBuilder().withName(volume.name());
      if (volume.source() instanceof WorkloadVolume.Claim claim) {
        pod.withNewPersistentVolumeClaim(claim.claimName(), volume.readOnly() ? Boolean.TRUE : null);
      } else if (volume.source() instanceof WorkloadVolume.Scratch scratch) {
        pod.withNewEmptyDir().withSizeLimit(scratch.sizeLimitGiB() == null ? null
            : new Quantity(scratch.sizeLimitGiB() + "Gi")).endEmptyDir();
      } else {
        throw volume.notSupported("a Job on " + cluster, "has no provider storage of its own: use "
            + "persistentVolumeClaim (a claim in the namespace the Job runs in) or emptyDir");
      }
      result.add(pod.build());
    }
    return result;
  }

  /** The container's mounts, one per volume. */
  static List<VolumeMount> mounts(List<WorkloadVolume> volumes) {
    return volumes.stream().map(volume -> new VolumeMountBuilder().withName(volume.name())
        .withMountPath(volume.mountPath()).withReadOnly(volume.readOnly() ? Boolean.TRUE : null).build()).toList();
  }
}
