package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** Settings of the Local provider, which runs jobs as processes on the operator's host. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalProviderSpec {
  @JsonPropertyDescription("The GPUs of a host without nvidia-smi, declared by type and count. When nvidia-smi is present, "
      + "the GPUs it reports are used instead. Declared GPUs get CUDA_VISIBLE_DEVICES indexes from 0.")
  private List<LocalGpu> gpus = new ArrayList<>();

  @io.fabric8.generator.annotation.Size(max = 64)
  @JsonPropertyDescription("Host directories that jobs may use as volumes (source.provider.id): a path is allowed "
      + "when it is one of these absolute paths or lies under one. Empty or unset allows no host path.")
  private List<String> allowedHostPaths = new ArrayList<>();
}
