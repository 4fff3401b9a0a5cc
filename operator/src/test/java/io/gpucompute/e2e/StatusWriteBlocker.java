package io.gpucompute.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Makes the API server refuse chosen writes of GpuJob status, from outside the operator: a {@link LoopbackWebhook}
 * registered for {@code gpujobs/status} in one namespace. While {@link #block blocking}, it denies every status update
 * that would make a job Succeeded or Failed, as a flaky API server or etcd would fail them; every other write passes.
 */
public final class StatusWriteBlocker implements AutoCloseable {

  private final LoopbackWebhook webhook;
  private volatile boolean blocking;

  private StatusWriteBlocker(KubernetesClient client, String namespace, Path workDir) {
    this.webhook = LoopbackWebhook.start(client, "gpucompute-e2e-status-blocker-" + namespace, namespace, workDir,
        List.of(LoopbackWebhook.rule(List.of("gpujobs/status"), "UPDATE")), request -> {
          String phase = request.path("object").path("status").path("phase").asText("");
          boolean finishes = phase.equals("Succeeded") || phase.equals("Failed");
          return blocking && finishes ? Optional.of("the e2e test fails this status write") : Optional.empty();
        });
  }

  /** Serves the webhook and registers it for GpuJobs in {@code namespace}; nothing is blocked yet. */
  public static StatusWriteBlocker start(KubernetesClient client, String namespace, Path workDir) {
    return new StatusWriteBlocker(client, namespace, workDir);
  }

  /** Starts or stops refusing the status writes that finish a job. */
  public void block(boolean block) {
    blocking = block;
  }

  /** How many writes were refused so far. */
  public int denied() {
    return webhook.denied();
  }

  /** Unregisters the webhook and stops serving it. */
  @Override
  public void close() {
    webhook.close();
  }
}
