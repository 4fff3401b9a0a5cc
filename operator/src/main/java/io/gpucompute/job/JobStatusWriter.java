package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;
import java.util.Optional;

/**
 * Writes GpuJob status, the operator's only way to: one PUT of the status subresource on the resourceVersion the job
 * was read at, so a write made from a stale read fails (409) instead of undoing a newer status, such as an attempt's
 * record. The written object goes into the controller's cache at once, so the next reconcile reads its own write.
 */
final class JobStatusWriter {

  /**
   * Writes {@code status} over {@code read}'s.
   *
   * @return the job as written, or empty when the job changed since it was read (or is gone): nothing was written,
   *     and the caller decides again from a fresh read
   */
  Optional<GpuJob> write(GpuJob read, GpuJobStatus status, Context<GpuJob> context) {
    GpuJob body = new GpuJob();
    body.setMetadata(new ObjectMetaBuilder(read.getMetadata()).build());
    body.getMetadata().setManagedFields(null); // the API server keeps them
    body.setSpec(read.getSpec());
    body.setStatus(status);
    GpuJob written;
    try {
      written = context.getClient().resource(body).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(read), written, read);
    return Optional.of(written);
  }
}
