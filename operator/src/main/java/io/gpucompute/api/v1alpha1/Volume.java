package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Storage a job's container sees at a path: a claim, the provider's own storage, or scratch space. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class Volume {
  @Required
  @Size(min = 1, max = 63)
  @Pattern(ApiGroup.DNS_LABEL_PATTERN)
  @JsonPropertyDescription("The volume's name, unique in the job: lower-case letters, digits and '-'.")
  private String name;

  @Required
  @Size(min = 2, max = 1024)
  @Pattern(ApiGroup.ABSOLUTE_PATH_PATTERN)
  @JsonPropertyDescription("Where the container sees the volume: an absolute path, unique in the job. The Local "
      + "provider runs no container: its process finds the volume at the path in $GPUCOMPUTE_VOLUME_<NAME> (see "
      + "docs/data-and-images.md).")
  private String mountPath;

  @JsonPropertyDescription("Mount the volume read-only. Unset means read-write. A provider that cannot mount read-only "
      + "refuses the job with reason VolumeNotSupported before anything is created.")
  private Boolean readOnly;

  @Required
  @Size(min = 1, max = 1)
  @JsonPropertyDescription("What the volume is: exactly one of persistentVolumeClaim, provider or emptyDir.")
  private VolumeSource source;

  /** Whether the volume is mounted read-only. */
  public boolean readOnlyOrDefault() {
    return Boolean.TRUE.equals(readOnly);
  }
}
