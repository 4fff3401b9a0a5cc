package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the operator observed of a {@link GpuJob}. Written by the operator only. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuJobStatus {

  @JsonPropertyDescription("Summary of the lifecycle: Pending, Queued, Submitting, Running, Succeeded, Failed or Suspended. "
      + "Read the conditions for the API contract.")
  private JobPhase phase;

  @JsonPropertyDescription("Conditions: Submitted, Running, Complete and Failed (the batch/v1 Job model), "
      + "and Reconciling and Stalled (kstatus). Each has a CamelCase reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("A human-readable account of the job's state: why it waits, fails or runs where it does.")
  private String message;

  @JsonPropertyDescription("The provider that runs the job, as <type>/<ProviderConfig name>.")
  private String provider;

  @JsonPropertyDescription("The GPUs requested, as <type>x<count>, for the printer column.")
  private String gpu;

  @JsonPropertyDescription("The provider's id of the current attempt's workload (a process id, a pod or instance id).")
  private String externalId;

  @JsonPropertyDescription("How many attempts have been started. An attempt is counted before its workload is created.")
  private Integer attempts;

  @JsonPropertyDescription("The current or last attempt: its workload's name, the ProviderConfig it runs on, and whether "
      + "its workload has been released. Written before the provider is asked to create anything.")
  private AttemptRecord workload;

  @JsonPropertyDescription("Earlier attempts that ran on another ProviderConfig than the current one (after a change of "
      + "spec.providerConfigRef), so that deleting the job lets go of them where they ran. Usually absent.")
  private List<AttemptRange> earlierAttempts;

  @JsonPropertyDescription("How many attempts have failed. The job fails when this exceeds spec.backoffLimit.")
  private Integer failures;

  @JsonPropertyDescription("How many attempts a provider preempted (took their spot capacity back). They are not "
      + "failures; the job fails when this exceeds spec.maxPreemptions.")
  private Integer preemptions;

  @JsonPropertyDescription("Where the current or last attempt was placed, at what price, what else was considered and "
      + "why it lost, and the options the job skips for a while.")
  private PlacementStatus placement;

  @JsonPropertyDescription("Place in the provider's queue while Queued, 1 being next.")
  private Integer queuePosition;

  @JsonPropertyDescription("When the first attempt was submitted (RFC 3339). The deadline counts from here.")
  private String startTime;

  @JsonPropertyDescription("When the current attempt was recorded, just before its workload was created (RFC 3339). "
      + "Its cost counts from the provider's own start time where the provider reports one, else from here.")
  private String attemptStartTime;

  @JsonPropertyDescription("While waiting to retry: the earliest time the next attempt may start (RFC 3339).")
  private String retryAfter;

  @JsonPropertyDescription("When the job reached Succeeded or Failed (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("The exit code of the last finished attempt's command.")
  private Integer exitCode;

  @JsonPropertyDescription("The job's price per hour in USD (per-GPU price x count), as a decimal string.")
  private String pricePerHour;

  @JsonPropertyDescription("The most the job can cost in USD: pricePerHour x activeDeadlineSeconds x (backoffLimit + 1). "
      + "Unset when the job has no deadline.")
  private String estimatedCost;

  @JsonPropertyDescription("What the job has cost so far in USD, over all attempts, as a decimal string. "
      + "While an attempt runs it is brought up to date, in whole minutes, whenever the job is reconciled (when its "
      + "workload changes, and at least every 10 minutes); when the attempt ends it is exact.")
  private String accruedCost;

  @JsonPropertyDescription("What the attempts that have ended cost, in USD; accruedCost adds the running attempt to it.")
  private String settledCost;

  @JsonPropertyDescription("The last lines of the current or last attempt's output, bounded to a few KiB.")
  private String logTail;

  @JsonPropertyDescription("Where each attempt's whole output is kept, when the ProviderConfig has a logArchive. An "
      + "entry is written before its attempt's workload is created.")
  @io.fabric8.generator.annotation.Size(max = 128)
  private List<ArchivedLog> logs;

  @io.fabric8.generator.annotation.Size(max = 16)
  @JsonPropertyDescription("The GpuBudgets that have counted this job's cost, and how much of it each counted. "
      + "Written by the operator after the budget's own record, so a crash never counts an attempt twice.")
  private List<BudgetCharge> budgets;
}
