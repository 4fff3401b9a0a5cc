package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.Data;

/** What a {@link GpuBudget} allows the GpuJobs of its namespace. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuBudgetSpec {

  @Default("Monthly")
  @JsonPropertyDescription("How often the count starts again at zero: Monthly (the default), Weekly (from Monday), "
      + "Daily, or None for a fixed total counted from the budget's creation. Periods are calendar periods in UTC.")
  private BudgetPeriod period = BudgetPeriod.Monthly;

  @Required
  @Size(max = 20)
  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("The most the covered jobs may spend in a period, in USD, as a decimal string such as "
      + "\"500.00\". A job starts only if its worst-case cost fits in what remains.")
  private String limit;

  @Size(max = 32)
  @JsonPropertyDescription("Limits on the GPUs the covered jobs hold at once, per GPU type. A job that would go "
      + "over its type's limit waits (reason GpuQuotaExceeded). Types not listed are not limited.")
  private List<GpuLimit> gpuLimits = new ArrayList<>();

  @Default("BlockNew")
  @JsonPropertyDescription("What happens once spending reaches the limit: BlockNew (the default) keeps new jobs "
      + "waiting and lets running ones finish; StopRunning also stops the running jobs, which then wait.")
  private BudgetEnforcement onExceeded = BudgetEnforcement.BlockNew;

  @Size(max = 16)
  @JsonPropertyDescription("Covers only the GpuJobs that carry all these labels, for example a project's; "
      + "unset or empty covers every GpuJob of the namespace. Every budget that covers a job must allow it.")
  private Map<String, @Size(max = 63) String> jobLabels = new LinkedHashMap<>();

  /** The period; Monthly when unset. */
  public BudgetPeriod effectivePeriod() {
    return period == null ? BudgetPeriod.Monthly : period;
  }

  /** What happens at the limit; BlockNew when unset. */
  public BudgetEnforcement effectiveOnExceeded() {
    return onExceeded == null ? BudgetEnforcement.BlockNew : onExceeded;
  }
}
