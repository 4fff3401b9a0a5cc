package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.Volume;
import io.gpucompute.api.v1alpha1.VolumeSource;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadVolume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A job's spec.volumes as the providers get them, checked for what the schema cannot catch. Pure.
 */
final class WorkloadVolumes {

  /** The reason of a volume list that can never be mounted as written. */
  static final String INVALID = "InvalidVolume";

  private WorkloadVolumes() {}

  /**
   * The volumes of {@code volumes}.
   *
   * @throws ProviderException.InvalidRequest (reason {@value #INVALID}) naming the field: a source with other than
   *     exactly one kind, or a name or mount path used twice
   */
  static List<WorkloadVolume> of(List<Volume> volumes) throws ProviderException.InvalidRequest {
    List<WorkloadVolume> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      String field = "spec.volumes[" + i + "]";
      VolumeSource source = volume.getSource();
      if (source == null || source.count() != 1) {
        throw invalid(field + ".source: give exactly one of persistentVolumeClaim, provider or emptyDir");
      }
      if (!names.add(volume.getName())) {
        throw invalid(field + ".name: volume " + volume.getName() + " is named twice");
      }
      for (WorkloadVolume earlier : result) {
        if (earlier.mountPath().equals(volume.getMountPath())) {
          throw invalid(field + ".mountPath: volume " + earlier.name() + " is mounted at " + volume.getMountPath()
              + " already");
        }
      }
      result.add(new WorkloadVolume(volume.getName(), volume.getMountPath(), volume.readOnlyOrDefault(),
          source(source)));
    }
    return result;
  }

  private static WorkloadVolume.Source source(VolumeSource source) {
    if (source.getPersistentVolumeClaim() != null) {
      return new WorkloadVolume.Claim(source.getPersistentVolumeClaim().getClaimName());
    }
    if (source.getProvider() != null) {
      return new WorkloadVolume.ProviderStorage(source.getProvider().getId());
    }
    return new WorkloadVolume.Scratch(source.getEmptyDir().getSizeLimitGiB());
  }

  private static ProviderException.InvalidRequest invalid(String message) {
    return new ProviderException.InvalidRequest(INVALID, message);
  }
}
