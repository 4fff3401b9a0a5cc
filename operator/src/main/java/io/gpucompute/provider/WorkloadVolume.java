package io.gpucompute.provider;

import java.util.Locale;
import java.util.Objects;

/**
 * One volume of a workload, as the job's spec.volumes names it.
 *
 * @param name the volume's name, a DNS label
 * @param mountPath where the container sees it, an absolute path
 * @param readOnly whether it is mounted read-only
 * @param source what it is
 */
public record WorkloadVolume(String name, String mountPath, boolean readOnly, Source source) {

  /** What a volume is. */
  public sealed interface Source {
    /** The kind, as the API names the field: persistentVolumeClaim, provider or emptyDir. */
    String kind();
  }

  /** A PersistentVolumeClaim in the namespace the workload runs in. */
  public record Claim(String claimName) implements Source {
    @Override
    public String kind() {
      return "persistentVolumeClaim";
    }
  }

  /** The provider's own storage, by the provider's id. */
  public record ProviderStorage(String id) implements Source {
    @Override
    public String kind() {
      return "provider";
    }
  }

  /** Empty scratch space; {@code sizeLimitGiB} null for no limit. */
  public record Scratch(Integer sizeLimitGiB) implements Source {
    @Override
    public String kind() {
      return "emptyDir";
    }
  }

  public WorkloadVolume {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mountPath, "mountPath");
    Objects.requireNonNull(source, "source");
  }

  /** The variable that tells a process where the volume is (the Local provider): {@code GPUCOMPUTE_VOLUME_<NAME>}. */
  public String pathVariable() {
    return "GPUCOMPUTE_VOLUME_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The refusal of this volume by a provider that cannot mount it, before anything is created. */
  public ProviderException.InvalidRequest notSupported(String provider, String why) {
    return new ProviderException.InvalidRequest("VolumeNotSupported", "volume " + name + " (" + source.kind()
        + (readOnly ? ", read-only" : "") + "): " + provider + " " + why);
  }
}
