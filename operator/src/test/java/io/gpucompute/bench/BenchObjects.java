package io.gpucompute.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigReference;
import io.gpucompute.operator.TestResources;
import io.gpucompute.status.Conditions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** The objects the scenarios create, and the waits between their steps. */
final class BenchObjects {

  static final String NAMESPACE = "bench";

  private BenchObjects() {}

  /** Creates the bench namespace. */
  static void namespace(KubernetesClient client) {
    TestResources.createNamespace(client, NAMESPACE, java.util.Map.of());
  }

  /** Creates a Local ProviderConfig with {@code gpus} A100s and waits until it is Ready. */
  static void localProvider(KubernetesClient client, String name, int gpus) {
    client.resource(TestResources.localProvider(name, gpus, spec -> {})).create();
    awaitReady(client, name);
  }

  /** Waits until ProviderConfig {@code name} is Ready. */
  static void awaitReady(KubernetesClient client, String name) {
    await("ProviderConfig " + name + " Ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          ProviderConfig pc = client.resources(ProviderConfig.class).withName(name).get();
          return pc != null && pc.getStatus() != null && Conditions.isTrue(pc.getStatus().getConditions(), "Ready");
        });
  }

  /** A job named {@code name} that runs {@code argv} on one A100 of ProviderConfig {@code provider}. */
  static GpuJob job(String name, String provider, List<String> argv, Consumer<GpuJobSpec> customize) {
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    GpuJobSpec spec = new GpuJobSpec();
    spec.setProviderConfigRef(new ProviderConfigReference(provider));
    spec.setImage("busybox:1.36");
    spec.setCommand(argv);
    spec.setGpu(GpuRequest.of("A100", 1));
    customize.accept(spec);
    job.setSpec(spec);
    return job;
  }

  /**
   * Creates {@code count} jobs from {@code threads} threads ({@code jobs.apply(i)} builds job i), telling
   * {@code clock} of each as its create returns.
   */
  static void createAll(KubernetesClient client, int count, int threads, IntFunction<GpuJob> jobs, JobClock clock)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = first; i < count; i += threads) {
            GpuJob job = jobs.apply(i);
            client.resource(job).create();
            if (clock != null) {
              clock.created(job.getMetadata().getName());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
