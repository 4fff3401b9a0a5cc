package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * Which ProviderConfigs a {@link GpuJob} may run on, and how the operator picks one for each attempt. See
 * docs/placement.md.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobPlacement {

  @io.fabric8.generator.annotation.Size(max = 32)
  @JsonPropertyDescription("The ProviderConfigs the job may run on, by name. With strategy Ordered, their order is the "
      + "order of preference.")
  private List<String> providers = new ArrayList<>();

  @JsonPropertyDescription("The ProviderConfigs the job may run on, by label; used when providers is empty. With "
      + "neither, every ProviderConfig that allows the job's namespace and offers its GPU type is a candidate.")
  private LabelSelector selector;

  @JsonPropertyDescription("How the candidates are ordered: Cheapest (the default) by the job's price, spot and "
      + "on-demand compared, unknown prices last; Ordered by the order of providers (by name for a selector). The "
      + "first option whose queue has room takes the attempt.")
  private PlacementStrategy strategy;
}
