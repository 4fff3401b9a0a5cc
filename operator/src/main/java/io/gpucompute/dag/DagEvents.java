package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.status.Conditions;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits one Event, and one log line, for each transition of a DAG: a new phase or a new reason. Progress within a
 * phase (another task finished) is in the status, not in Events: a DAG of thousands of tasks would flood them.
 */
final class DagEvents {

  private static final Logger LOG = LoggerFactory.getLogger(DagEvents.class);

  private final EventRecorder recorder;

  DagEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  void transition(GpuDag dag, GpuDagStatus before, GpuDagStatus after) {
    DagPhase oldPhase = before == null ? null : before.getPhase();
    String oldReason = reason(before);
    String newReason = reason(after);
    if (after.getPhase() == oldPhase && Objects.equals(oldReason, newReason)) {
      return;
    }
    String message = after.getPhase() + ": " + after.getMessage();
    LOG.info("GpuDag {}/{}: {} -> {} ({}): {}", dag.getMetadata().getNamespace(), dag.getMetadata().getName(),
        oldPhase, after.getPhase(), newReason, after.getMessage());
    if (after.getPhase() == DagPhase.Failed || Conditions.isTrue(after.getConditions(), DagCondition.STALLED)) {
      recorder.warning(dag, newReason, message);
    } else {
      recorder.normal(dag, newReason, message);
    }
  }

  /** The reason that explains the status: every condition carries it. */
  private static String reason(GpuDagStatus status) {
    if (status == null) {
      return null;
    }
    return Conditions.find(status.getConditions(), DagCondition.RECONCILING).map(c -> c.getReason()).orElse(null);
  }
}
