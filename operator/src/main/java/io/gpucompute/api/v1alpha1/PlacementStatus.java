package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** Where the operator placed a {@link GpuJob}'s current or last attempt, and what else it considered. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlacementStatus {

  @JsonPropertyDescription("The ProviderConfig chosen for the current or last attempt.")
  private String providerConfig;

  @JsonPropertyDescription("Whether the attempt runs on spot (interruptible) capacity.")
  private Boolean spot;

  @JsonPropertyDescription("The attempt's price per hour in USD at the choice (per-GPU price, converted to USD where "
      + "the ProviderConfig sets a currency, times the GPU count), as a decimal string.")
  private String pricePerHour;

  @JsonPropertyDescription("The choice in one line, for example \"runpod at 1.19 USD/h, cheapest of 3; alibaba-hz: "
      + "NoCapacity\".")
  private String message;

  @io.fabric8.generator.annotation.Size(max = 10)
  @JsonPropertyDescription("Every option considered at the choice (at most 10), each with why it won or lost.")
  private List<PlacementCandidate> candidates = new ArrayList<>();

  @io.fabric8.generator.annotation.Size(max = 64)
  @JsonPropertyDescription("Options the job skips for a while: a ProviderConfig that was out of stock for it, or that "
      + "reclaimed its spot workload. Expired entries are removed.")
  private List<PlacementSkip> skips = new ArrayList<>();
}
