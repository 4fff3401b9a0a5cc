package io.gpucompute.dag;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.cost.Money;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a DAG sees of the GpuJob named after one of its tasks.
 *
 * @param owned whether the job is this DAG's child (its controller owner reference has the DAG's uid). A job of the
 *     task's name that is not is a name conflict: the task cannot start until it is gone.
 * @param phase the job's phase; null until the GpuJob reconciler has written its status
 * @param suspendRequested whether the job's {@code spec.suspend} is true
 * @param estimatedCost the job's estimatedCost, or null
 * @param accruedCost the job's accruedCost, or null
 */
public record ChildJobState(boolean owned, JobPhase phase, boolean suspendRequested, BigDecimal estimatedCost,
    BigDecimal accruedCost) {

  /** A child of this DAG, as just created: no status yet. */
  public static final ChildJobState CREATED = new ChildJobState(true, null, false, null, null);
  /** A job of the task's name that belongs to someone else. */
  public static final ChildJobState FOREIGN = new ChildJobState(false, null, false, null, null);

  /** What {@code job} shows to the DAG of uid {@code dagUid}. */
  public static ChildJobState of(GpuJob job, String dagUid) {
    if (!isOwnedBy(job, dagUid)) {
      return FOREIGN;
    }
    var status = job.getStatus();
    return new ChildJobState(true, status == null ? null : status.getPhase(),
        suspendRequested(job),
        status == null ? null : Money.parse(status.getEstimatedCost()),
        status == null ? null : Money.parse(status.getAccruedCost()));
  }

  /** Whether {@code job}'s controller owner reference is the DAG of uid {@code dagUid}. */
  public static boolean isOwnedBy(GpuJob job, String dagUid) {
    for (OwnerReference owner : job.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(owner.getController()) && Objects.equals(owner.getUid(), dagUid)) {
        return true;
      }
    }
    return false;
  }

  /** The task's phase as far as this job tells it. */
  public TaskPhase taskPhase() {
    return TaskPhase.ofJob(phase);
  }

  /**
   * Whether a change of a child GpuJob can change its DAG's plan or status: its task phase, its suspend request,
   * its costs, or its deletion. Other changes (log tails, queue positions, finalizers) do not wake the DAG.
   */
  public static boolean mattersToDag(GpuJob now, GpuJob before) {
    if (!Objects.equals(now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp())
        || !Objects.equals(now.getMetadata().getOwnerReferences(), before.getMetadata().getOwnerReferences())) {
      return true;
    }
    return observed(now) != observed(before) || suspendRequested(now) != suspendRequested(before)
        || !Objects.equals(costs(now), costs(before));
  }

  private static boolean suspendRequested(GpuJob job) {
    return job.getSpec() != null && job.getSpec().suspended();
  }

  private static TaskPhase observed(GpuJob job) {
    return TaskPhase.ofJob(job.getStatus() == null ? null : job.getStatus().getPhase());
  }

  private static String costs(GpuJob job) {
    return job.getStatus() == null ? null : job.getStatus().getEstimatedCost() + "/" + job.getStatus().getAccruedCost();
  }
}
