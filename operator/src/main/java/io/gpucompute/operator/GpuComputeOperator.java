package io.gpucompute.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.budget.Budgets;
import io.gpucompute.budget.GpuBudgetReconciler;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.job.GpuJobReconciler;
import io.gpucompute.job.JitteredRetry;
import io.gpucompute.job.WorkloadSpecs;
import io.gpucompute.metrics.OperatorMetrics;
import io.gpucompute.operator.leader.LeaderOnlyProvider;
import io.gpucompute.operator.leader.Leadership;
import io.gpucompute.provider.GpuProvider;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The operator, wired: providers, the admission queue and one reconciler per kind, on one Kubernetes client.
 * {@code Main} runs it in production; tests run it in-process against a mock or a real API server.
 */
public final class GpuComputeOperator implements AutoCloseable {

  /** The leader-election Lease (coordination.k8s.io) in {@link OperatorSettings#leaseNamespace()}. */
  public static final String LEASE_NAME = "gpucompute-operator-leader";
  /** How long stopping waits for reconciles that are running to end. */
  public static final Duration RECONCILE_DRAIN = Duration.ofSeconds(5);

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
    return start(client, settings, clock, overrides, builtInProviders(client, settings), Optional.empty());
  }

  /**
   * Builds and starts the operator as {@code Main} runs it. With leader election on, {@code leadership} guards it: the
   * elector reports to it (and leaves ending the process to it), and no provider is called unless it is confirmed.
   */
  public static GpuComputeOperator start(KubernetesClient client, OperatorSettings settings, Clock clock,
      Leadership leadership) {
    return start(client, settings, clock, o -> {}, builtInProviders(client, settings),
        settings.leaseNamespace().map(ns -> leadership));
  }

  private static List<ProviderFactory> builtInProviders(KubernetesClient client, OperatorSettings settings) {
    return List.of(new LocalProviderFactory(settings.local()), new RunPodProviderFactory(),
        new KubernetesProviderFactory(client), new TencentTkeProviderFactory(), new AlibabaEcsProviderFactory());
  }

  /** Like {@link #start(KubernetesClient, OperatorSettings, Clock, Consumer)}, with the given provider factories. */
  public static GpuComputeOperator start(KubernetesClient client, OperatorSettings settings, Clock clock,
      Consumer<ConfigurationServiceOverrider> overrides, List<ProviderFactory> factories) {
    return start(client, settings, clock, overrides, factories, Optional.empty());
  }

  private static GpuComputeOperator start(KubernetesClient client, OperatorSettings settings, Clock clock,
      Consumer<ConfigurationServiceOverrider> overrides, List<ProviderFactory> factories,
      Optional<Leadership> leadership) {
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client).withCloseClientOnStop(false).withMetrics(metrics.josdkMetrics())
          .withReconciliationTerminationTimeout(RECONCILE_DRAIN)
          .withConcurrentReconciliationThreads(settings.scale().reconcileThreads());
      settings.leaseNamespace().ifPresent(ns -> o.withLeaderElectionConfiguration(
          leaderElection(ns, settings.identity(), leadership)));
      overrides.accept(o);
    });
    EventRecorder recorder = EventRecorder.asynchronous(client, clock, settings.identity(), EVENT_WRITERS);
    String installation = settings.installation().orElseGet(() -> Installation.id(client));
    AtomicReference<GpuJobReconciler> jobReconciler = new AtomicReference<>();
    AtomicReference<ProviderConfigReconciler> configReconciler = new AtomicReference<>();
    BiFunction<String, GpuProvider, GpuProvider> decorator = (label, provider) -> {
      GpuProvider metered = metrics.meter(label, provider);
      return leadership.map(l -> LeaderOnlyProvider.wrap(metered, l)).orElse(metered);
    };
    ProviderRegistry providers = new ProviderRegistry(factories, key -> jobReconciler.get().changed(key), decorator,
        settings.scale().offersTtl());
    CachedJobs jobs = new CachedJobs();
    OrphanSweeper sweeper = new OrphanSweeper(installation, jobs, recorder, clock, settings.orphanSweep().interval(),
        settings.orphanSweep().grace(), metrics::swept);
    configReconciler.set(new ProviderConfigReconciler(providers, recorder, clock, settings.probeInterval(), jobs,
        sweeper));
    Budgets budgets = new Budgets();
    jobReconciler.set(new GpuJobReconciler(providers, new AdmissionQueue(), new WorkloadSpecs(client, installation),
        recorder, clock, settings.timing(), name -> configReconciler.get().jobsChanged(name), metrics, budgets));
    operator.register(configReconciler.get());
    operator.register(jobReconciler.get(), o -> o.withRetry(new JitteredRetry(settings.timing()))
        .withItemStore(jobReconciler.get().cacheStore()));
    operator.register(new io.gpucompute.dag.GpuDagReconciler(recorder, clock));
    operator.register(new GpuBudgetReconciler(budgets, recorder, clock, job -> jobReconciler.get().wake(job),
            jobReconciler.get().sharedCache()),
        o -> o.withRetry(new JitteredRetry(settings.timing())));
    operator.start();
    jobReconciler.get().startPolling();
    jobs.use(jobReconciler.get().jobCache());
    metrics.countJobsFrom(jobs::cache);
    metrics.countProviderConfigsFrom(() -> configReconciler.get().configCache());
    metrics.reportBudgetsFrom(budgets::reports);
    return new GpuComputeOperator(operator, providers, metrics, recorder, jobReconciler.get());
  }

  /**
   * The Lease {@link #LEASE_NAME} in {@code namespace}: with {@code leadership}, on its timings and reporting to it,
   * without JOSDK's exit when leading stops (that {@code System.exit} from the elector's thread would block a shutdown
   * that is already running); without, JOSDK's defaults.
   */
  private static LeaderElectionConfiguration leaderElection(String namespace, String identity,
      Optional<Leadership> leadership) {
    return leadership.map(l -> new LeaderElectionConfiguration(LEASE_NAME, namespace, l.timing().leaseDuration(),
            l.timing().renewDeadline(), l.timing().retryPeriod(), identity, l.callbacks(), false))
        .orElseGet(() -> new LeaderElectionConfiguration(LEASE_NAME, namespace, identity));
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
