package io.gpucompute.budget;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.status.StatusCopies;
import io.javaoperatorsdk.operator.ReconcilerUtils;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The budget controller's writes to GpuJobs: the record of what a budget counted ({@code status.budgets}) and its
 * finalizer. Every write is optimistic: it carries the resourceVersion the job was read at, so a write from a stale
 * read fails (409) and changes nothing, and is made again from a fresh read.
 */
final class JobRecords {

  /** Keeps a covered job until its cost is counted: a job deleted while it runs is counted before it goes. */
  static final String FINALIZER = "gpucompute.io/budget-settlement";
  /** The GpuJob controller's own finalizer, which lets go of the job's workloads. */
  static final String JOB_CONTROLLER_FINALIZER = ReconcilerUtils.getDefaultFinalizerName(GpuJob.class);
  /** The most budget records a job's status holds (the CRD's limit). */
  static final int MAX_RECORDS = 16;

  private final KubernetesClient client;

  JobRecords(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Writes {@code mark} into the job's {@code status.budgets}, dropping the records of budgets that no longer exist.
   *
   * @return the job as written, or empty when it changed since it was read or is gone (nothing was written)
   */
  Optional<GpuJob> mark(GpuJob read, BudgetCharge mark, Predicate<String> budgetExists) {
    List<BudgetCharge> records = Settlement.withMark(read.getStatus().getBudgets(), mark, budgetExists);
    if (records.size() > MAX_RECORDS) {
      throw new IllegalStateException("GpuJob " + read.getMetadata().getNamespace() + "/" + read.getMetadata().getName()
          + " is covered by more than " + MAX_RECORDS + " GpuBudgets; its status cannot record them all");
    }
    GpuJob body = new GpuJob();
    body.setMetadata(new ObjectMetaBuilder(read.getMetadata()).build());
    body.getMetadata().setManagedFields(null);
    body.setSpec(read.getSpec());
    body.setStatus(StatusCopies.deepCopy(read.getStatus()));
    body.getStatus().setBudgets(records);
    return optimistic(() -> client.resource(body).updateStatus());
  }

  /** Adds or removes {@link #FINALIZER} on the job as read. Returns the job as written, or empty as {@link #mark}. */
  Optional<GpuJob> finalizer(GpuJob read, boolean present) {
    List<String> finalizers = new ArrayList<>(read.getMetadata().getFinalizers() == null ? List.of()
        : read.getMetadata().getFinalizers());
    if (present == finalizers.contains(FINALIZER)) {
      return Optional.of(read);
    }
    if (present) {
      finalizers.add(FINALIZER);
    } else {
      finalizers.remove(FINALIZER);
    }
    String json = client.getKubernetesSerialization().asJson(finalizers);
    String patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
        + read.getMetadata().getResourceVersion() + "\"},{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":"
        + json + "}]";
    return optimistic(() -> client.resources(GpuJob.class).inNamespace(read.getMetadata().getNamespace())
        .withName(read.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON), patch));
  }

  /**
   * Whether the GpuJob controller is done with the job being deleted: its finalizer is gone, so its workloads are
   * let go of and its status no longer changes. Removing {@link #FINALIZER} only then also keeps the two controllers
   * from patching the job's finalizers at the same moment.
   */
  static boolean releasedByJobController(GpuJob job) {
    return job.getMetadata().getFinalizers() == null
        || !job.getMetadata().getFinalizers().contains(JOB_CONTROLLER_FINALIZER);
  }

  /** Whether the job carries {@link #FINALIZER}. */
  static boolean held(GpuJob job) {
    return job.getMetadata().getFinalizers() != null && job.getMetadata().getFinalizers().contains(FINALIZER);
  }

  private static Optional<GpuJob> optimistic(java.util.function.Supplier<GpuJob> write) {
    try {
      return Optional.ofNullable(write.get());
    } catch (KubernetesClientException e) {
      // 409: changed since read; 404: gone; 422: a JSON patch whose resourceVersion test failed.
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND
          || e.getCode() == 422) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
