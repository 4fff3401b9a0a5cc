package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.AttemptRange;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import java.util.Optional;

/**
 * Which ProviderConfig each attempt of a job is bound to, read from the job's status. Pure.
 *
 * <p>An attempt is bound when it is recorded, and stays bound to that ProviderConfig (by uid) until its workload is
 * released, whatever spec.providerConfigRef says meanwhile. A status written before attempts were recorded (an older
 * operator) has no record: its attempts count as bound to the ProviderConfig the spec names, with no uid.
 */
public final class AttemptBindings {

  /**
   * A ProviderConfig an attempt is bound to.
   *
   * @param name its name
   * @param uid its uid, or null for a status without attempt records
   */
  public record Binding(String name, String uid) {}

  private AttemptBindings() {}

  /** The ProviderConfig of the current attempt, while its workload may exist (not released); else empty. */
  public static Optional<Binding> unreleased(GpuJob job) {
    GpuJobStatus status = job.getStatus();
    if (status == null) {
      return Optional.empty();
    }
    AttemptRecord record = status.getWorkload();
    if (record != null) {
      return record.isReleased() ? Optional.empty()
          : Optional.of(new Binding(record.getProviderConfig(), record.getProviderConfigUid()));
    }
    boolean holds = status.getPhase() != null && status.getPhase().holdsWorkload();
    return holds ? legacyBinding(job) : Optional.empty();
  }

  /** The ProviderConfig attempt {@code attempt} ran on. */
  public static Binding of(GpuJob job, GpuJobStatus status, int attempt) {
    if (status.getEarlierAttempts() != null) {
      for (AttemptRange range : status.getEarlierAttempts()) {
        if (attempt >= range.getFirstAttempt() && attempt <= range.getLastAttempt()) {
          return new Binding(range.getProviderConfig(), range.getProviderConfigUid());
        }
      }
    }
    AttemptRecord record = status.getWorkload();
    if (record != null) {
      return new Binding(record.getProviderConfig(), record.getProviderConfigUid());
    }
    return legacyBinding(job).orElse(new Binding(null, null));
  }

  /** For a status written before attempts were recorded: the ProviderConfig the spec names, which was required then. */
  private static Optional<Binding> legacyBinding(GpuJob job) {
    var ref = job.getSpec().getProviderConfigRef();
    return ref == null || ref.getName() == null ? Optional.empty() : Optional.of(new Binding(ref.getName(), null));
  }

  /** Whether the current attempt, {@code attempt}, is recorded already. */
  public static boolean recorded(GpuJob job, int attempt) {
    GpuJobStatus status = job.getStatus();
    return status != null && status.getWorkload() != null && status.getWorkload().getAttempt() != null
        && status.getWorkload().getAttempt() == attempt && !status.getWorkload().isReleased();
  }
}
