package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** An option a job skips until a time. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class PlacementSkip {

  @JsonPropertyDescription("The ProviderConfig.")
  private String providerConfig;

  @JsonPropertyDescription("Whether only its spot capacity is skipped (after a preemption or a spot stock-out).")
  private Boolean spot;

  @JsonPropertyDescription("Until when (RFC 3339).")
  private String until;

  @JsonPropertyDescription("Why: NoCapacity (it was out of stock) or Preempted (it reclaimed the job's spot workload).")
  private String reason;

  @JsonPropertyDescription("How many stock-outs in a row the option had; each one doubles the next cooldown.")
  private Integer strikes;

  @io.fabric8.generator.annotation.Size(max = 1024)
  @JsonPropertyDescription("What the provider said when it ran out of capacity or preempted the job.")
  private String message;
}
