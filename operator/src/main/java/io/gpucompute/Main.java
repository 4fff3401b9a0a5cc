package io.gpucompute;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.HealthServer;
import io.gpucompute.operator.OperatorSettings;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the operator against the cluster of the current kubeconfig or in-cluster service account. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    LOG.info("gpucompute operator starting against {} (Local state in {})", client.getMasterUrl(),
        settings.local().stateDir());
    AtomicReference<GpuComputeOperator> operator = new AtomicReference<>();
    HealthServer health = settings.healthPort() > 0
        ? HealthServer.start(new InetSocketAddress(settings.healthBindAddress().orElse(null), settings.healthPort()),
            () -> operator.get() == null || operator.get().healthy(),
            () -> operator.get() != null && operator.get().healthy(),
            () -> operator.get() == null ? "" : operator.get().metrics().scrape())
        : null;
    operator.set(GpuComputeOperator.start(client, settings, Clock.systemUTC(), overrides -> {}));
    LOG.info("gpucompute operator started");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("gpucompute operator stopping");
      operator.get().close();
      if (health != null) {
        health.close();
      }
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
