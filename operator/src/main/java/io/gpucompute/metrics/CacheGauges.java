package io.gpucompute.metrics;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.budget.BudgetReport;
import io.gpucompute.job.AttemptBindings;
import io.gpucompute.job.JobCondition;
import io.gpucompute.providerconfig.ProviderConfigCondition;
import io.gpucompute.status.Conditions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The gauges counted from the operator's caches at each scrape (docs/metrics.md): GPUs held per namespace and type,
 * stalled jobs, ProviderConfigs' readiness, and the budgets' figures. Budgets are read from etcd (their status and
 * their jobs'), so a restart reports the same figures.
 */
final class CacheGauges {

  private final MultiGauge gpus;
  private final MultiGauge stalled;
  private final MultiGauge ready;
  private final MultiGauge spend;
  private final MultiGauge limit;
  private final MultiGauge used;
  private final MultiGauge remaining;

  CacheGauges(MeterRegistry registry) {
    gpus = MultiGauge.builder("gpucompute.gpus.in.use")
        .description("GPUs that GpuJobs hold now (from an attempt's record until its workload is released), by "
            + "namespace and GPU type").register(registry);
    stalled = MultiGauge.builder("gpucompute.jobs.stalled")
        .description("GpuJobs that have not finished and are Stalled (they wait for a person), by namespace and reason")
        .register(registry);
    ready = MultiGauge.builder("gpucompute.providerconfig.ready")
        .description("1 when the ProviderConfig is Ready, else 0, by ProviderConfig and type").register(registry);
    spend = MultiGauge.builder("gpucompute.spend.usd")
        .description("USD spent in the budget's current period (finished attempts plus running ones), by namespace, "
            + "budget, user and provider; read from the budgets, so not reset by a restart").register(registry);
    limit = MultiGauge.builder("gpucompute.budget.limit.usd").description("The budget's limit per period in USD")
        .register(registry);
    used = MultiGauge.builder("gpucompute.budget.used.usd")
        .description("USD used of the budget in its current period: spent plus committed").register(registry);
    remaining = MultiGauge.builder("gpucompute.budget.remaining.usd")
        .description("USD new jobs may still take from the budget: limit - spent - committed - reserved")
        .register(registry);
  }

  /** Counts the jobs' gauges from {@code jobs}. */
  void jobs(Stream<GpuJob> jobs) {
    Map<Tags, Integer> gpusInUse = new HashMap<>();
    Map<Tags, Integer> stalledJobs = new HashMap<>();
    jobs.forEach(job -> {
      String namespace = job.getMetadata().getNamespace();
      if (AttemptBindings.unreleased(job).isPresent()) {
        gpusInUse.merge(Tags.of("namespace", namespace, "gpu_type",
            job.getSpec().getGpu().getType().toUpperCase(Locale.ROOT)), job.getSpec().getGpu().getCount(), Integer::sum);
      }
      stalledReason(job).ifPresent(reason -> stalledJobs.merge(Tags.of("namespace", namespace, "reason", reason), 1,
          Integer::sum));
    });
    gpus.register(rows(gpusInUse), true);
    stalled.register(rows(stalledJobs), true);
  }

  /** Counts {@code gpucompute_providerconfig_ready} from {@code configs}. */
  void providerConfigs(Stream<ProviderConfig> configs) {
    Map<Tags, Integer> values = new HashMap<>();
    configs.forEach(config -> values.put(Tags.of("providerconfig", config.getMetadata().getName(), "type",
        String.valueOf(config.getSpec().getType())), config.getStatus() != null
        && Conditions.isTrue(config.getStatus().getConditions(), ProviderConfigCondition.READY) ? 1 : 0));
    ready.register(rows(values), true);
  }

  /** Sets the budgets' gauges from {@code reports}. */
  void budgets(List<BudgetReport> reports) {
    List<MultiGauge.Row<?>> spendRows = new ArrayList<>();
    List<MultiGauge.Row<?>> limitRows = new ArrayList<>();
    List<MultiGauge.Row<?>> usedRows = new ArrayList<>();
    List<MultiGauge.Row<?>> remainingRows = new ArrayList<>();
    for (BudgetReport report : reports) {
      Tags budget = Tags.of("namespace", report.namespace(), "budget", report.budget());
      limitRows.add(MultiGauge.Row.of(budget, report.limit().doubleValue()));
      usedRows.add(MultiGauge.Row.of(budget, report.used().doubleValue()));
      remainingRows.add(MultiGauge.Row.of(budget, report.remaining().doubleValue()));
      for (BudgetReport.Spend line : report.spend()) {
        spendRows.add(MultiGauge.Row.of(budget.and("user", line.user(), "provider", line.provider()),
            line.usd().doubleValue()));
      }
    }
    spend.register(spendRows, true);
    limit.register(limitRows, true);
    used.register(usedRows, true);
    remaining.register(remainingRows, true);
  }

  /** The reason of a job that waits for a person: Stalled and not finished (a Failed job is Stalled too). */
  private static Optional<String> stalledReason(GpuJob job) {
    if (job.getStatus() == null || job.getStatus().getPhase() == null || job.getStatus().getPhase().isTerminal()
        || job.getStatus().getPhase() == JobPhase.Suspended) {
      return Optional.empty();
    }
    return Conditions.find(job.getStatus().getConditions(), JobCondition.STALLED)
        .filter(c -> Conditions.TRUE.equals(c.getStatus())).map(c -> c.getReason());
  }

  private static List<MultiGauge.Row<?>> rows(Map<Tags, Integer> values) {
    return values.entrySet().stream().<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(), e.getValue()))
        .toList();
  }
}
