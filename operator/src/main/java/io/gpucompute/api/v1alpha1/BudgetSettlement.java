package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * A job's cost that a budget has counted and the job has not acknowledged yet. The budget writes it in the same
 * status write that adds the cost to {@code spent}; the job then records the charge in its own status
 * ({@link BudgetCharge}); the entry goes once the job's record is seen, or the job is gone. So a crash between any
 * two of these writes never counts a cost twice nor loses it.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class BudgetSettlement {
  @Size(max = 64)
  @JsonPropertyDescription("The GpuJob's uid.")
  private String jobUid;

  @Size(max = 253)
  @JsonPropertyDescription("The GpuJob's name, for people.")
  private String job;

  @JsonPropertyDescription("How many attempts the job had started when it was counted.")
  private Integer attempts;

  @Size(max = 64)
  @JsonPropertyDescription("The job's cost counted into this budget so far, in USD (its status.settledCost then).")
  private String chargedTo;
}
