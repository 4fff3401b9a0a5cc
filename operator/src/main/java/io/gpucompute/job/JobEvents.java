package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Condition;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.status.Conditions;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Emits one Event, and one log line, for each transition of a job: a new phase or a new reason. */
final class JobEvents {

  private static final Logger LOG = LoggerFactory.getLogger(JobEvents.class);

  private final EventRecorder recorder;

  JobEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  void transition(GpuJob job, GpuJobStatus before, GpuJobStatus after) {
    JobPhase oldPhase = before == null ? null : before.getPhase();
    String oldReason = reason(before);
    String newReason = reason(after);
    if (after.getPhase() == oldPhase && Objects.equals(oldReason, newReason)) {
      return;
    }
    boolean warning = after.getPhase() == JobPhase.Failed
        || Conditions.isTrue(after.getConditions(), JobCondition.STALLED)
        || JobReason.RETRY_BACKOFF.equals(newReason);
    String message = after.getPhase() + ": " + after.getMessage();
    LOG.info("GpuJob {}/{}: {} -> {} ({}): {}", job.getMetadata().getNamespace(), job.getMetadata().getName(),
        oldPhase, after.getPhase(), newReason, after.getMessage());
    if (warning) {
      recorder.warning(job, newReason, message);
    } else {
      recorder.normal(job, newReason, message);
    }
  }

  /** The reason that explains the status: the Stalled, Reconciling, Complete or Failed condition's. */
  private static String reason(GpuJobStatus status) {
    if (status == null) {
      return null;
    }
    for (String type : new String[] {JobCondition.STALLED, JobCondition.FAILED, JobCondition.COMPLETE,
        JobCondition.RECONCILING, JobCondition.RUNNING}) {
      Optional<Condition> condition = Conditions.find(status.getConditions(), type);
      if (condition.isPresent() && Conditions.TRUE.equals(condition.get().getStatus())) {
        return condition.get().getReason();
      }
    }
    return status.getPhase() == null ? null : status.getPhase().name();
  }
}
