package io.gpucompute.metrics;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.budget.BudgetReport;
import io.gpucompute.cost.Money;
import io.gpucompute.job.JobMetrics;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.status.Timestamps;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's meters (docs/metrics.md lists them) in one Prometheus registry, and the text that
 * {@code /metrics} serves.
 */
public final class OperatorMetrics implements JobMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMetrics.class);
  /** The provider label of a job whose ProviderConfig is not known yet. */
  static final String UNKNOWN = "unknown";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge jobs = MultiGauge.builder("gpucompute.jobs")
      .description("GpuJobs in the operator's cache, by namespace, provider (type/ProviderConfig) and phase")
      .register(registry);
  private final CacheGauges gauges = new CacheGauges(registry);
  private volatile Supplier<IndexedResourceCache<GpuJob>> jobCache = () -> null;
  private volatile Supplier<? extends ResourceCache<ProviderConfig>> configCache = () -> null;
  private volatile Function<Instant, List<BudgetReport>> budgets = now -> List.of();

  public OperatorMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  /** JOSDK's reconcile metrics (per controller, not per resource), into this registry. */
  public Metrics josdkMetrics() {
    return MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();
  }

  /** Where {@code gpucompute_jobs} is counted from at each scrape; the supplier may return null until started. */
  public void countJobsFrom(Supplier<IndexedResourceCache<GpuJob>> cache) {
    this.jobCache = Objects.requireNonNull(cache);
  }

  /** Where {@code gpucompute_providerconfig_ready} is read from at each scrape; the supplier may return null. */
  public void countProviderConfigsFrom(Supplier<? extends ResourceCache<ProviderConfig>> cache) {
    this.configCache = Objects.requireNonNull(cache);
  }

  /** Where the budgets' gauges ({@code gpucompute_spend_usd}, ...) are read from at each scrape. */
  public void reportBudgetsFrom(Function<Instant, List<BudgetReport>> reports) {
    this.budgets = Objects.requireNonNull(reports);
  }

  /** {@code provider}, timing its calls into {@code gpucompute_provider_requests_seconds}. */
  public GpuProvider meter(String providerLabel, GpuProvider provider) {
    return new MeteredProvider(provider, providerLabel, registry);
  }

  /** The Prometheus text exposition of every meter, with the gauges of the caches counted now. */
  public String scrape() {
    refreshJobs();
    refreshCaches();
    return registry.scrape();
  }

  /** The registry, for tests and for extra binders. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  private void refreshJobs() {
    IndexedResourceCache<GpuJob> cache = jobCache.get();
    if (cache == null) {
      return;
    }
    Map<Tags, Long> counts = cache.list().collect(Collectors.groupingBy(OperatorMetrics::jobTags,
        Collectors.counting()));
    jobs.register(counts.entrySet().stream()
        .map(e -> MultiGauge.Row.of(e.getKey(), e.getValue()))
        .collect(Collectors.<MultiGauge.Row<?>>toList()), true);
  }

  private void refreshCaches() {
    try {
      IndexedResourceCache<GpuJob> cache = jobCache.get();
      if (cache != null) {
        gauges.jobs(cache.list());
      }
      ResourceCache<ProviderConfig> configs = configCache.get();
      if (configs != null) {
        gauges.providerConfigs(configs.list());
      }
      gauges.budgets(budgets.apply(Instant.now()));
    } catch (RuntimeException e) {
      LOG.warn("the gauges of the caches are not counted: {}", e.toString());
    }
  }

  private static Tags jobTags(GpuJob job) {
    GpuJobStatus status = job.getStatus();
    JobPhase phase = status == null || status.getPhase() == null ? JobPhase.Pending : status.getPhase();
    return Tags.of("namespace", job.getMetadata().getNamespace(), "provider", provider(status),
        "phase", phase.name());
  }

  private static String provider(GpuJobStatus status) {
    return status == null || status.getProvider() == null ? UNKNOWN : status.getProvider();
  }

  /**
   * Counts cost and queue wait from one decided status. Cost: the increase of {@code status.settledCost}, which
   * grows once per finished attempt by that attempt's exact cost. Queue wait: when an attempt is submitted.
   */
  @Override
  public void decided(GpuJob job, GpuJobStatus before, GpuJobStatus after, Instant now) {
    try {
      String namespace = job.getMetadata().getNamespace();
      String provider = provider(after);
      BigDecimal settledBefore = money(before == null ? null : before.getSettledCost());
      BigDecimal settledAfter = money(after.getSettledCost());
      if (after.getSettledCost() != null) {
        Counter cost = Counter.builder("gpucompute.job.cost.usd")
            .description("Settled cost in USD of the job attempts that finished, as this process saw them end")
            .tags("namespace", namespace, "provider", provider)
            .register(registry);
        if (settledAfter.compareTo(settledBefore) > 0) {
          cost.increment(settledAfter.subtract(settledBefore).doubleValue());
        }
      }
      int attemptsBefore = before == null || before.getAttempts() == null ? 0 : before.getAttempts();
      int attemptsAfter = after.getAttempts() == null ? 0 : after.getAttempts();
      if (attemptsAfter > attemptsBefore) {
        Instant queuedSince = attemptsAfter == 1 || before == null || before.getRetryAfter() == null
            ? Instant.parse(job.getMetadata().getCreationTimestamp())
            : Timestamps.parse(before.getRetryAfter());
        if (attemptsAfter == 1 || (before != null && before.getRetryAfter() != null)) {
          Timer.builder("gpucompute.queue.wait")
              .description("Time from a GpuJob's creation (first attempt) or the end of its retry backoff to the "
                  + "submission of the attempt")
              .tags("provider", provider)
              .register(registry)
              .record(nonNegative(Duration.between(queuedSince, now)));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("GpuJob {}/{}: not metered: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(),
          e.toString());
    }
  }

  /**
   * Counts what one orphan sweep of a ProviderConfig found and deleted ({@code gpucompute_orphans_found_total},
   * {@code gpucompute_orphans_deleted_total}, by provider).
   */
  public void swept(String provider, int found, int deleted) {
    Counter.builder("gpucompute.orphans.found")
        .description("Workloads of this installation whose GpuJob no longer exists, found by the orphan sweep")
        .tags("provider", provider).register(registry).increment(found);
    Counter.builder("gpucompute.orphans.deleted")
        .description("Orphaned workloads the sweep deleted (spec.orphanPolicy Delete)")
        .tags("provider", provider).register(registry).increment(deleted);
  }

  private static BigDecimal money(String value) {
    return value == null || value.isBlank() ? BigDecimal.ZERO : Money.parse(value);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** For tests: the names of the rows {@code gpucompute_jobs} has now. */
  List<String> jobRows() {
    refreshJobs();
    return registry.find("gpucompute.jobs").gauges().stream().map(g -> g.getId().getTags().toString()).toList();
  }
}
