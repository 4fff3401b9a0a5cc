package io.gpucompute.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigReference;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigStatus;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.budget.BudgetReport;
import io.gpucompute.job.JobCondition;
import io.gpucompute.providerconfig.ProviderConfigCondition;
import io.gpucompute.status.Conditions;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gauges counted from the caches at each scrape (GPUs in use, stalled jobs, ProviderConfig readiness, budgets),
 * as {@code /metrics} serves them, and the chart's dashboard and alerts query only metrics that it serves.
 */
class ServedMetricsTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Path CHART = Path.of("..", "helm", "gpu-compute-operator");
  private static final Pattern METRIC = Pattern.compile("\\b(gpucompute_[a-z0-9_]+)");
  private static final Pattern SERIES = Pattern.compile("(?m)^(gpucompute_[a-z0-9_]+)[{ ]");

  private final List<GpuJob> jobs = new CopyOnWriteArrayList<>();
  private final List<ProviderConfig> configs = new CopyOnWriteArrayList<>();
  private final List<BudgetReport> budgets = new CopyOnWriteArrayList<>();
  private final OperatorMetrics metrics = new OperatorMetrics();

  ServedMetricsTest() {
    metrics.countJobsFrom(() -> cacheOf(IndexedResourceCache.class, jobs));
    metrics.countProviderConfigsFrom(() -> cacheOf(ResourceCache.class, configs));
    metrics.reportBudgetsFrom(now -> List.copyOf(budgets));
  }

  @Test
  void gpusInUseStalledJobsReadinessAndBudgetsAreCountedAtEachScrape() {
    jobs.addAll(List.of(job("a", "team-a", "a100", 2, JobPhase.Running, null),
        job("b", "team-a", "A100", 1, JobPhase.Submitting, null),
        job("c", "team-a", "A100", 4, JobPhase.Succeeded, null),
        job("d", "team-b", "H100", 1, JobPhase.Pending, "ProviderConfigNotFound")));
    configs.addAll(List.of(config("local", true), config("runpod", false)));
    budgets.add(new BudgetReport("team-a", "monthly", new BigDecimal("500"), new BigDecimal("120.5"),
        new BigDecimal("370"), List.of(new BudgetReport.Spend("oidc:alice", "Local/local", new BigDecimal("100.5")),
            new BudgetReport.Spend("oidc:bob", "RunPod/runpod", new BigDecimal("20")))));

    String scraped = metrics.scrape();

    assertThat(scraped).contains("gpucompute_gpus_in_use{gpu_type=\"A100\",namespace=\"team-a\"} 3.0")
        .doesNotContain("gpu_type=\"H100\"")
        .contains("gpucompute_jobs_stalled{namespace=\"team-b\",reason=\"ProviderConfigNotFound\"} 1.0")
        .contains("gpucompute_providerconfig_ready{providerconfig=\"local\",type=\"Local\"} 1.0")
        .contains("gpucompute_providerconfig_ready{providerconfig=\"runpod\",type=\"RunPod\"} 0.0")
        .contains("gpucompute_spend_usd{budget=\"monthly\",namespace=\"team-a\",provider=\"Local/local\","
            + "user=\"oidc:alice\"} 100.5")
        .contains("gpucompute_budget_limit_usd{budget=\"monthly\",namespace=\"team-a\"} 500.0")
        .contains("gpucompute_budget_used_usd{budget=\"monthly\",namespace=\"team-a\"} 120.5")
        .contains("gpucompute_budget_remaining_usd{budget=\"monthly\",namespace=\"team-a\"} 370.0");

    jobs.clear();
    budgets.clear();
    String after = metrics.scrape();
    assertThat(after).as("rows of what is gone go").doesNotContain("gpucompute_gpus_in_use{",
        "gpucompute_jobs_stalled{", "gpucompute_spend_usd{", "gpucompute_budget_remaining_usd{");
  }

  @Test
  void theDashboardAndTheAlertsQueryOnlyMetricsThatAreServed() throws IOException {
    jobs.addAll(List.of(job("a", "team-a", "A100", 1, JobPhase.Running, null),
        job("d", "team-b", "A100", 1, JobPhase.Pending, "ProviderConfigNotFound")));
    configs.add(config("local", true));
    budgets.add(new BudgetReport("team-a", "monthly", BigDecimal.TEN, BigDecimal.ONE, BigDecimal.ONE,
        List.of(new BudgetReport.Spend("oidc:alice", "Local/local", BigDecimal.ONE))));
    GpuJob queued = job("q", "team-a", "A100", 1, JobPhase.Queued, null);
    metrics.decided(queued, null, queued.getStatus(), NOW);
    GpuJobStatus submitted = job("q", "team-a", "A100", 1, JobPhase.Submitting, null).getStatus();
    submitted.setAttempts(1);
    metrics.decided(queued, queued.getStatus(), submitted, NOW.plusSeconds(5));
    metrics.swept("Local/local", 1, 0);
    Set<String> served = new TreeSet<>();
    Matcher series = SERIES.matcher(metrics.scrape());
    while (series.find()) {
      served.add(series.group(1));
    }

    Set<String> dashboard = queried(CHART.resolve("dashboards/gpucompute.json"));
    Set<String> alerts = queried(CHART.resolve("templates/prometheusrule.yaml"));
    assertThat(dashboard).as("the dashboard's metrics").contains("gpucompute_spend_usd", "gpucompute_jobs",
        "gpucompute_providerconfig_ready", "gpucompute_queue_wait_seconds_sum");
    assertThat(alerts).as("the alerts' metrics").contains("gpucompute_budget_used_usd",
        "gpucompute_orphans_found_total");
    assertThat(served).as("what /metrics serves").containsAll(dashboard).containsAll(alerts);
  }

  /** The gpucompute metrics a chart file names. */
  private static Set<String> queried(Path file) throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(Files.readString(file));
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static GpuJob job(String name, String namespace, String type, int gpus, JobPhase phase,
      String stalledReason) {
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withUid("uid-" + name)
        .withCreationTimestamp(NOW.toString()).build());
    GpuJobSpec spec = new GpuJobSpec();
    spec.setProviderConfigRef(new ProviderConfigReference("local"));
    spec.setGpu(GpuRequest.of(type, gpus));
    job.setSpec(spec);
    GpuJobStatus status = new GpuJobStatus();
    status.setPhase(phase);
    status.setProvider("Local/local");
    if (stalledReason != null) {
      status.setConditions(Conditions.with(new ArrayList<>(), JobCondition.STALLED, true, stalledReason, "", 1L, NOW));
    }
    job.setStatus(status);
    return job;
  }

  private static ProviderConfig config(String name, boolean ready) {
    ProviderConfig config = new ProviderConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(name.equals("local") ? ProviderType.Local : ProviderType.RunPod);
    config.setSpec(spec);
    ProviderConfigStatus status = new ProviderConfigStatus();
    status.setConditions(Conditions.with(new ArrayList<>(), ProviderConfigCondition.READY, ready, "Probed", "", 1L,
        NOW));
    config.setStatus(status);
    return config;
  }

  /** A cache that answers {@code list()} with {@code items}, as the informers' caches do. */
  @SuppressWarnings("unchecked")
  private static <C> C cacheOf(Class<?> type, List<?> items) {
    return (C) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals("list") && (args == null || args.length == 0)) {
        return items.stream();
      }
      throw new UnsupportedOperationException(method.getName());
    });
  }
}
