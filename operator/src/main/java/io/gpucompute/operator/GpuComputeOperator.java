package io.gpucompute.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.job.GpuJobReconciler;
import io.gpucompute.job.JitteredRetry;
import io.gpucompute.job.WorkloadSpecs;
import io.gpucompute.metrics.OperatorMetrics;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.provider.ProviderRegistry;
import io.gpucompute.provider.alibaba.AlibabaEcsProviderFactory;
import io.gpucompute.provider.kubernetes.KubernetesProviderFactory;
import io.gpucompute.provider.local.LocalProviderFactory;
import io.gpucompute.provider.runpod.RunPodProviderFactory;
import io.gpucompute.provider.tencent.TencentTkeProviderFactory;
import io.gpucompute.providerconfig.OrphanSweeper;
import io.gpucompute.providerconfig.ProviderConfigReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The operator, wired: providers, the admission queue and one reconciler per kind, on one Kubernetes client.
 * {@code Main} runs it in production; tests run it in-process against a mock or a real API server.
 */
public final class GpuComputeOperator implements AutoCloseable {

  /** The leader-election Lease (coordination.k8s.io) in {@link OperatorSettings#leaseNamespace()}. */
  public static final String LEASE_NAME = "gpucompute-operator-leader";

  /** Threads that record Events, off the reconcile threads. */
  private static final int EVENT_WRITERS = 4;

  private final Operator operator;
  private final ProviderRegistry providers;
  private final OperatorMetrics metrics;
  private final EventRecorder recorder;
  private final GpuJobReconciler jobReconciler;

  private GpuComputeOperator(Operator operator, ProviderRegistry providers, OperatorMetrics metrics,
      EventRecorder recorder, GpuJobReconciler jobReconciler) {
    this.operator = operator;
    this.providers = providers;
    this.metrics = metrics;
    this.recorder = recorder;
    this.jobReconciler = jobReconciler;
  }

  /**
   * Builds and starts the operator.
   *
   * @param overrides extra JOSDK configuration (tests turn server-side apply off for the mock server)
   */
  public static GpuComputeOperator start(KubernetesClient client, OperatorSettings settings, Clock clock,
      Consumer<ConfigurationServiceOverrider> overrides) {
    return start(client, settings, clock, overrides,
        List.of(new LocalProviderFactory(settings.local()), new RunPodProviderFactory(),
            new KubernetesProviderFactory(client), new TencentTkeProviderFactory(), new AlibabaEcsProviderFactory()));
  }

  /** Like {@link #start(KubernetesClient, OperatorSettings, Clock, Consumer)}, with the given provider factories. */
  public static GpuComputeOperator start(KubernetesClient client, OperatorSettings settings, Clock clock,
      Consumer<ConfigurationServiceOverrider> overrides, List<ProviderFactory> factories) {
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client).withCloseClientOnStop(false).withMetrics(metrics.josdkMetrics())
          .withConcurrentReconciliationThreads(settings.scale().reconcileThreads());
      settings.leaseNamespace().ifPresent(ns -> o.withLeaderElectionConfiguration(
          new LeaderElectionConfiguration(LEASE_NAME, ns, settings.identity())));
      overrides.accept(o);
    });
    EventRecorder recorder = EventRecorder.asynchronous(client, clock, settings.identity(), EVENT_WRITERS);
    String installation = settings.installation().orElseGet(() -> Installation.id(client));
    AtomicReference<GpuJobReconciler> jobReconciler = new AtomicReference<>();
    AtomicReference<ProviderConfigReconciler> configReconciler = new AtomicReference<>();
    ProviderRegistry providers = new ProviderRegistry(factories, key -> jobReconciler.get().changed(key),
        metrics::meter, settings.scale().offersTtl());
    CachedJobs jobs = new CachedJobs();
    OrphanSweeper sweeper = new OrphanSweeper(installation, jobs, recorder, clock, settings.orphanSweep().interval(),
        settings.orphanSweep().grace(), metrics::swept);
    configReconciler.set(new ProviderConfigReconciler(providers, recorder, clock, settings.probeInterval(), jobs,
        sweeper));
    jobReconciler.set(new GpuJobReconciler(providers, new AdmissionQueue(), new WorkloadSpecs(client, installation),
        recorder, clock, settings.timing(), name -> configReconciler.get().jobsChanged(name), metrics));
    operator.register(configReconciler.get());
    operator.register(jobReconciler.get(), o -> o.withRetry(new JitteredRetry(settings.timing())));
    operator.register(new io.gpucompute.dag.GpuDagReconciler(recorder, clock));
    operator.start();
    jobReconciler.get().startPolling();
    jobs.use(jobReconciler.get().jobCache());
    metrics.countJobsFrom(jobs::cache);
    return new GpuComputeOperator(operator, providers, metrics, recorder, jobReconciler.get());
  }

  /** The operator's meters, which {@code /metrics} serves (docs/metrics.md). */
  public OperatorMetrics metrics() {
    return metrics;
  }

  /** Whether every informer and event source is healthy. */
  public boolean healthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** Stops reconciling. Workloads keep running; a new operator picks them up. */
  @Override
  public void close() {
    jobReconciler.stopPolling();
    operator.stop();
    recorder.close();
    providers.close();
  }
}
