package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * The current (or last) attempt of a {@link GpuJob} and the workload it owns at its provider. The operator writes it
 * before it asks the provider to create anything, and marks the workload released only after the attempt's outcome
 * is saved, so a crash at any moment leaves a record of what may exist at the provider.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class AttemptRecord {

  @JsonPropertyDescription("The attempt's number, from 1.")
  private Integer attempt;

  @JsonPropertyDescription("The workload's name at the provider (a process directory, pod, instance tag or batch Job), "
      + "derived from the job's uid and the attempt.")
  private String workload;

  @JsonPropertyDescription("The ProviderConfig the attempt runs on. It stays the attempt's provider even when "
      + "spec.providerConfigRef changes: a change takes effect with the next attempt.")
  private String providerConfig;

  @JsonPropertyDescription("The uid of that ProviderConfig, which tells it apart from a later one of the same name.")
  private String providerConfigUid;

  @JsonPropertyDescription("True once the attempt's workload has been stopped and released at the provider (after its "
      + "outcome was saved), so it holds no GPU and bills nothing any more.")
  private Boolean released;

  @JsonPropertyDescription("True when the attempt runs on spot (interruptible) capacity, which the provider may take "
      + "back; such a preemption counts in status.preemptions, not status.failures.")
  private Boolean spot;

  /** A record of an attempt on on-demand capacity. */
  public AttemptRecord(Integer attempt, String workload, String providerConfig, String providerConfigUid,
      Boolean released) {
    this(attempt, workload, providerConfig, providerConfigUid, released, null);
  }

  /** Whether the attempt runs on spot capacity. */
  public boolean onSpot() {
    return Boolean.TRUE.equals(spot);
  }

  /** Whether the workload has been released. */
  public boolean isReleased() {
    return Boolean.TRUE.equals(released);
  }
}
