package io.gpucompute.provider.local;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The volumes of Local workloads, which are processes on the operator's host, not containers: nothing is mounted, and
 * the process finds each volume at the path in its {@link WorkloadVolume#pathVariable()}. A provider volume is a host
 * path that lies under one of the ProviderConfig's {@code spec.local.allowedHostPaths} (after symbolic links are
 * resolved, so a link cannot lead out); an emptyDir is a fresh directory in the workload's directory, deleted with it.
 * Claims cannot be had here, and nothing can be made read-only: both are refused.
 */
final class LocalVolumes {

  /** The reason of a host path outside the allow-list. */
  static final String NOT_ALLOWED = "HostPathNotAllowed";

  private final List<String> allowedHostPaths;

  LocalVolumes(List<String> allowedHostPaths) {
    this.allowedHostPaths = allowedHostPaths == null ? List.of() : List.copyOf(allowedHostPaths);
  }

  /**
   * Checks that every volume can be had here.
   *
   * @throws ProviderException.InvalidRequest {@code VolumeNotSupported} for a claim or a read-only volume,
   *     {@value #NOT_ALLOWED} for a host path that does not exist or lies outside the allow-list
   */
  void check(List<WorkloadVolume> volumes) throws ProviderException.InvalidRequest {
    for (WorkloadVolume volume : volumes) {
      if (volume.readOnly()) {
        throw volume.notSupported("the Local provider", "runs processes on the host and cannot make a path "
            + "read-only; set readOnly: false (file permissions still apply)");
      }
      if (volume.source() instanceof WorkloadVolume.Claim) {
        throw volume.notSupported("the Local provider", "has no PersistentVolumeClaims; use a host path "
            + "(source.provider.id) under spec.local.allowedHostPaths, or emptyDir");
      }
      if (volume.source() instanceof WorkloadVolume.ProviderStorage storage) {
        hostPath(volume, storage.id());
      }
    }
  }

  /**
   * The variables that tell the process where each volume is, after making the emptyDir directories under
   * {@code workloadDir}.
   */
  Map<String, String> prepare(List<WorkloadVolume> volumes, Path workloadDir)
      throws IOException, ProviderException.InvalidRequest {
    Map<String, String> variables = new LinkedHashMap<>();
    for (WorkloadVolume volume : volumes) {
      Path path;
      if (volume.source() instanceof WorkloadVolume.ProviderStorage storage) {
        path = hostPath(volume, storage.id());
      } else {
        path = Files.createDirectories(workloadDir.resolve("volumes").resolve(volume.name()));
      }
      variables.put(volume.pathVariable(), path.toString());
    }
    return variables;
  }

  /** The real path of {@code id} when the allow-list allows it. */
  private Path hostPath(WorkloadVolume volume, String id) throws ProviderException.InvalidRequest {
    String problem = "volume " + volume.name() + ": host path " + id;
    Path requested = Path.of(id);
    if (!requested.isAbsolute()) {
      throw new ProviderException.InvalidRequest(NOT_ALLOWED, problem + " is not absolute");
    }
    Path real;
    try {
      real = requested.toRealPath();
    } catch (IOException e) {
      throw new ProviderException.InvalidRequest(NOT_ALLOWED, problem + " does not exist on the operator's host");
    }
    List<String> allowed = new ArrayList<>();
    for (String prefix : allowedHostPaths) {
      Path root = realOrAsIs(Path.of(prefix));
      if (real.startsWith(root)) {
        return real;
      }
      allowed.add(prefix);
    }
    throw new ProviderException.InvalidRequest(NOT_ALLOWED, problem + (real.toString().equals(id) ? "" : " (" + real
        + ")") + " is outside the ProviderConfig's spec.local.allowedHostPaths " + allowed);
  }

  private static Path realOrAsIs(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
