package io.gpucompute;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gpucompute.kube.OperatorClientConfig;
import io.gpucompute.operator.ApiServerWait;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.HealthServer;
import io.gpucompute.operator.HttpServerTimeouts;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.operator.leader.LeaseRelease;
import io.gpucompute.operator.leader.LeaseRenewals;
import io.gpucompute.operator.leader.LeaseTiming;
import io.gpucompute.operator.leader.Leadership;
import io.gpucompute.webhook.AdmissionServer;
import io.gpucompute.webhook.WebhookSettings;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the cluster of the current kubeconfig or in-cluster service account.
 *
 * <p>Liveness ({@code /healthz}) reports the process: it answers while the JVM does, whatever the API server does, so
 * an API-server outage never gets a replica restarted. Readiness ({@code /readyz}) reports the operator: started, and
 * every informer healthy (so also the API server). With leader election, {@link Leadership} ends the process at once
 * when this replica's renew deadline passes; on SIGTERM it stops acting, stops reconciling and releases the Lease,
 * so the next replica leads within seconds.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** The longest SIGTERM waits for the Lease to be released (the API server may be away). */
  public static final Duration LEASE_RELEASE_TIMEOUT = Duration.ofSeconds(5);

  private Main() {}

  public static void main(String[] args) throws Exception {
    HttpServerTimeouts.apply();
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    Clock clock = Clock.systemUTC();
    Optional<Leadership> leadership = settings.leaseNamespace()
        .map(ns -> new Leadership(LeaseTiming.DEFAULT, clock, Main::haltOnLostLeadership));
    KubernetesClient client = new KubernetesClientBuilder().withConfig(OperatorClientConfig.discovered())
        .withHttpClientBuilderConsumer(http -> leadership.ifPresent(
        l -> http.addOrReplaceInterceptor("gpucompute-lease-renewals", new LeaseRenewals(
            settings.leaseNamespace().orElseThrow(), GpuComputeOperator.LEASE_NAME, l, clock)))).build();
    Runtime runtime = Runtime.getRuntime();
    LOG.info("gpucompute operator starting against {} (Local state in {}; JVM: {} MiB heap at most, {} CPUs)",
        client.getMasterUrl(), settings.local().stateDir(), runtime.maxMemory() / (1024 * 1024),
        runtime.availableProcessors());
    AtomicReference<GpuComputeOperator> operator = new AtomicReference<>();
    HealthServer health = settings.healthPort() > 0
        ? HealthServer.start(new InetSocketAddress(settings.healthBindAddress().orElse(null), settings.healthPort()),
            () -> true,
            () -> operator.get() != null && operator.get().healthy(),
            () -> operator.get() == null ? "" : operator.get().metrics().scrape())
        : null;
    // The webhook answers before the operator starts: its own writes to GpuJobs (finalizers) pass through it.
    Optional<WebhookSettings> webhook = WebhookSettings.fromEnvironment(System.getenv());
    AdmissionServer admission = webhook.isPresent() ? AdmissionServer.start(webhook.get()) : null;
    CountDownLatch stopped = new CountDownLatch(1);
    runtime.addShutdownHook(new Thread(() -> {
      LOG.info("gpucompute operator stopping");
      leadership.ifPresent(Leadership::resign);
      GpuComputeOperator running = operator.get();
      if (running != null) {
        running.close();
      }
      leadership.ifPresent(l -> releaseLease(client, settings));
      if (admission != null) {
        admission.close();
      }
      if (health != null) {
        health.close();
      }
      client.close();
      stopped.countDown();
    }, "shutdown"));
    ApiServerWait.await(client);
    operator.set(leadership.isPresent() ? GpuComputeOperator.start(client, settings, clock, leadership.get())
        : GpuComputeOperator.start(client, settings, clock, o -> {}));
    LOG.info("gpucompute operator started");
    stopped.await();
  }

  /** Gives the Lease up if this replica holds it, waiting at most a few seconds. */
  private static void releaseLease(KubernetesClient client, OperatorSettings settings) {
    String namespace = settings.leaseNamespace().orElseThrow();
    try {
      boolean released = CompletableFuture.supplyAsync(() -> LeaseRelease.release(client, namespace,
          GpuComputeOperator.LEASE_NAME, settings.identity()))
          .get(LEASE_RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (released) {
        LOG.info("released the Lease {}/{}: the next replica leads at its next try", namespace,
            GpuComputeOperator.LEASE_NAME);
      }
    } catch (Exception e) {
      LOG.warn("could not release the Lease {}/{} (the next replica leads once it expires): {}", namespace,
          GpuComputeOperator.LEASE_NAME, e.toString());
    }
  }

  /**
   * Ends the process at once, without shutdown hooks: a replica that may no longer lead must not finish the
   * reconciles it is running, nor write anything more. Kubernetes restarts it as a follower.
   */
  private static void haltOnLostLeadership(String why) {
    LOG.error("{}; stopping this process now, so that only the next leader acts", why);
    Runtime.getRuntime().halt(1);
  }
}
