package io.gpucompute.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this JVM saw each GpuJob of a namespace reach each step, from a watch (the status's own timestamps have whole
 * seconds only): created (as the creating thread returned), attempt recorded, workload observed, phase, workload
 * released. Times are
 * {@link System#nanoTime} in milliseconds.
 */
final class JobClock implements AutoCloseable {

  /** The steps of one job, in ms; 0 until seen. */
  static final class Times {
    volatile long created;
    volatile long recorded;
    /** The status shows the workload observed: it holds one, with the provider's id. */
    volatile long observed;
    volatile long queued;
    volatile long succeeded;
    volatile long released;
  }

  private final Map<String, Times> jobs = new ConcurrentHashMap<>();
  private final String prefix;
  private final SharedIndexInformer<GpuJob> informer;

  /** Clocks the jobs of {@code namespace} whose name starts with {@code prefix}. */
  JobClock(KubernetesClient client, String namespace, String prefix) {
    this.prefix = prefix;
    informer = client.resources(GpuJob.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GpuJob job) {
        seen(job);
      }

      @Override
      public void onUpdate(GpuJob before, GpuJob job) {
        seen(job);
      }

      @Override
      public void onDelete(GpuJob job, boolean unknownFinalState) {}
    });
  }

  static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** The creating thread saw the create return. */
  void created(String name) {
    times(name).created = now();
  }

  Map<String, Times> jobs() {
    return jobs;
  }

  long count(java.util.function.Predicate<Times> which) {
    return jobs.values().stream().filter(which).count();
  }

  private Times times(String name) {
    return jobs.computeIfAbsent(name, n -> new Times());
  }

  private void seen(GpuJob job) {
    long now = now();
    if (!job.getMetadata().getName().startsWith(prefix)) {
      return;
    }
    Times t = times(job.getMetadata().getName());
    GpuJobStatus status = job.getStatus();
    if (status == null) {
      return;
    }
    if (t.recorded == 0 && status.getWorkload() != null) {
      t.recorded = now;
    }
    if (t.observed == 0 && status.getExternalId() != null && status.getPhase() != null
        && status.getPhase().holdsWorkload()) {
      t.observed = now;
    }
    if (t.queued == 0 && status.getPhase() == JobPhase.Queued) {
      t.queued = now;
    }
    if (t.succeeded == 0 && status.getPhase() == JobPhase.Succeeded) {
      t.succeeded = now;
    }
    if (t.released == 0 && status.getWorkload() != null && status.getWorkload().isReleased()) {
      t.released = now;
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
