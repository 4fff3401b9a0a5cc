package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.Data;

/** How a cluster's spot (interruptible) nodes are selected, for jobs that may run on spot capacity. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SpotNodes {

  @JsonPropertyDescription("Node labels of the spot nodes, added to a spot attempt's pod node selector, for example "
      + "{node.kubernetes.io/lifecycle: spot}.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the spot nodes' taints, added to a spot attempt's pod.")
  private List<Toleration> tolerations = new ArrayList<>();
}
