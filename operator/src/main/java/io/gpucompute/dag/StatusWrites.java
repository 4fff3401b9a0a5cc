package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a DAG's new status is written. A transition (a new phase, reason or generation) is written at once. Progress
 * within a phase (another task started or finished) is written at most once per interval, like the batch/v1 Job
 * controller's one-second sync batching: a DAG of thousands of tasks would otherwise write its whole status, tens of
 * KiB, for every task that finishes. Pure.
 */
final class StatusWrites {

  /** The shortest time between two progress writes of one DAG. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private StatusWrites() {}

  /**
   * How long to wait before writing {@code next}: zero to write now, or null when there is nothing to write.
   *
   * @param written the status as last written (the cached one), or null
   * @param lastWrite when this process last wrote the DAG's status, or null
   */
  static Duration delay(GpuDagStatus written, GpuDagStatus next, Instant lastWrite, Instant now) {
    if (next.equals(written)) {
      return null;
    }
    if (written == null || lastWrite == null || written.getPhase() != next.getPhase()
        || !Objects.equals(written.getObservedGeneration(), next.getObservedGeneration())
        || !Objects.equals(reason(written), reason(next))) {
      return Duration.ZERO;
    }
    Duration wait = Duration.between(now, lastWrite.plus(INTERVAL));
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private static String reason(GpuDagStatus status) {
    return Conditions.find(status.getConditions(), DagCondition.RECONCILING).map(c -> c.getReason()).orElse(null);
  }
}
