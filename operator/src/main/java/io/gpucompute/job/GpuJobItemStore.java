package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.kube.LeanItemStore;
import io.gpucompute.kube.StringPool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The GpuJob controller's cache: without managedFields ({@link LeanItemStore}), and with the strings that many jobs
 * repeat (condition types, statuses and reasons, namespace, image, GPU type, provider) shared, and those that one job
 * repeats (its message, in its status and in each condition; its timestamps) shared within it. A GpuJob said the same
 * message seven times. The cache holds every GpuJob, so this is most of the operator's memory.
 *
 * <p>A store tells its {@link Listener}s of each change once it holds it: the GpuJob controller's store keeps the
 * queues ({@link QueueIndex}) and the jobs by namespace ({@link JobCache}) that other controllers read, so the
 * operator holds one copy of each job.
 */
public final class GpuJobItemStore extends LeanItemStore<GpuJob> {

  /** Told of each change to a store, on the informer's thread, after the store holds it: must be quick. */
  public interface Listener {
    /** {@code now} was stored; {@code before} is what it replaced, or null for a new job. */
    void stored(GpuJob before, GpuJob now);

    /** {@code gone} left the store. */
    void removed(GpuJob gone);
  }

  /** Shared by every store: the values repeat across controllers too. */
  private static final StringPool SHARED = new StringPool(20_000);

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Tells {@code listener} of each change from now on, after the listeners added before it. */
  public void listen(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public GpuJob put(String key, GpuJob job) {
    GpuJob before = super.put(key, job);
    listeners.forEach(l -> l.stored(before, job));
    return before;
  }

  @Override
  public GpuJob remove(String key) {
    GpuJob gone = super.remove(key);
    if (gone != null) {
      listeners.forEach(l -> l.removed(gone));
    }
    return gone;
  }

  @Override
  protected void compact(GpuJob job) {
    compact(job, SHARED);
  }

  /** Shares the strings of {@code job} as described; {@code job} stays equal to what it was. */
  static void compact(GpuJob job, StringPool shared) {
    Map<String, String> own = new HashMap<>();
    UnaryOperator<String> local = value -> value == null ? null : own.computeIfAbsent(value, v -> v);
    ObjectMeta meta = job.getMetadata();
    if (meta != null) {
      meta.setNamespace(shared.of(meta.getNamespace()));
      meta.setCreationTimestamp(local.apply(meta.getCreationTimestamp()));
      if (meta.getFinalizers() != null) {
        meta.getFinalizers().replaceAll(shared::of);
      }
    }
    GpuJobSpec spec = job.getSpec();
    if (spec != null) {
      spec.setImage(shared.of(spec.getImage()));
      replaceAll(spec.getCommand(), shared::of);
      replaceAll(spec.getArgs(), shared::of);
      if (spec.getGpu() != null) {
        spec.getGpu().setType(shared.of(spec.getGpu().getType()));
      }
      if (spec.getProviderConfigRef() != null) {
        spec.getProviderConfigRef().setName(shared.of(spec.getProviderConfigRef().getName()));
      }
    }
    GpuJobStatus status = job.getStatus();
    if (status == null) {
      return;
    }
    status.setMessage(local.apply(status.getMessage()));
    status.setProvider(shared.of(status.getProvider()));
    status.setGpu(shared.of(status.getGpu()));
    status.setPricePerHour(shared.of(status.getPricePerHour()));
    status.setStartTime(local.apply(status.getStartTime()));
    status.setAttemptStartTime(local.apply(status.getAttemptStartTime()));
    status.setCompletionTime(local.apply(status.getCompletionTime()));
    if (status.getConditions() != null) {
      for (Condition condition : status.getConditions()) {
        condition.setType(shared.of(condition.getType()));
        condition.setStatus(shared.of(condition.getStatus()));
        condition.setReason(shared.of(condition.getReason()));
        condition.setMessage(local.apply(condition.getMessage()));
        condition.setLastTransitionTime(local.apply(condition.getLastTransitionTime()));
      }
    }
    AttemptRecord workload = status.getWorkload();
    if (workload != null) {
      workload.setProviderConfig(shared.of(workload.getProviderConfig()));
      workload.setProviderConfigUid(shared.of(workload.getProviderConfigUid()));
    }
  }

  private static void replaceAll(List<String> values, UnaryOperator<String> pooled) {
    if (values != null) {
      values.replaceAll(pooled);
    }
  }
}
