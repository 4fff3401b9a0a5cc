package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What a {@link GpuBudget}'s jobs have spent and hold. Written by the operator only; it lives in etcd. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuBudgetStatus {

  @JsonPropertyDescription("Conditions: Ready (the budget is counted and enforced), Warning (80 % of the limit is "
      + "used) and Exceeded (the limit is reached). Used means spent plus committed.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @Size(max = 4096)
  @JsonPropertyDescription("A human-readable account: what was spent of the limit in which period, and what runs.")
  private String message;

  @Size(max = 64)
  @JsonPropertyDescription("The start of the current period (RFC 3339, UTC); the creation of the budget for period None.")
  private String periodStart;

  @Size(max = 64)
  @JsonPropertyDescription("The end of the current period (RFC 3339, UTC), when the count starts again at zero. "
      + "Unset for period None.")
  private String periodEnd;

  @Size(max = 64)
  @JsonPropertyDescription("USD that the covered jobs' finished attempts cost in this period, as an exact decimal "
      + "string: each attempt is counted once, when it ends (a job deleted while it runs counts what it accrued).")
  private String spent;

  @Size(max = 64)
  @JsonPropertyDescription("USD that the covered jobs' running attempts have accrued so far (in whole minutes).")
  private String committed;

  @Size(max = 64)
  @JsonPropertyDescription("USD held for what the running attempts may still cost: their price per hour times the "
      + "time left to their spec.activeDeadlineSeconds, or one hour of it for a job without a deadline.")
  private String reserved;

  @Size(max = 64)
  @JsonPropertyDescription("USD that new jobs may still take: limit - spent - committed - reserved. Negative when "
      + "the jobs spent more than the limit (jobs that ran longer than their reservation).")
  private String remaining;

  @Size(max = 64)
  @JsonPropertyDescription("The GPUs the covered jobs hold now, per type, with the type's limit where there is one.")
  private List<GpuUsage> gpusInUse = new ArrayList<>();

  @Size(max = 21)
  @JsonPropertyDescription("Spend per person and provider in this period, largest first: at most 20 lines, and a "
      + "line \"(others)\" that sums the rest. A person's line counts from when the person got one.")
  private List<UserSpend> users = new ArrayList<>();

  @Size(max = 256)
  @JsonPropertyDescription("Costs counted into spent that their jobs have not acknowledged yet (see the job's "
      + "status.budgets). Usually empty; entries go within seconds.")
  private List<BudgetSettlement> settlements = new ArrayList<>();
}
