package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** How much of a job's cost one {@link GpuBudget} has counted: the job's side of {@link BudgetSettlement}. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class BudgetCharge {
  @Size(max = 253)
  @JsonPropertyDescription("The GpuBudget's name.")
  private String budget;

  @Size(max = 64)
  @JsonPropertyDescription("The GpuBudget's uid, which tells it apart from a later one of the same name.")
  private String budgetUid;

  @Size(max = 64)
  @JsonPropertyDescription("The job's cost the budget has counted, in USD, over all its periods.")
  private String charged;

  @Size(max = 64)
  @JsonPropertyDescription("The start of the budget period the last part of it went into (RFC 3339).")
  private String period;
}
