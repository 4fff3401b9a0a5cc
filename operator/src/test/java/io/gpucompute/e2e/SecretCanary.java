package io.gpucompute.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * One distinctive secret value for the whole e2e run. The e2e tests of each provider use it as a credential and as a
 * {@code secretKeyRef} env value; it must never show in an Event, in the status of any object, in a metric or in a
 * line the operator logs. Every log line of the test JVM is checked as the operator's own console pattern writes it
 * ({@link #watchLogs}); the cluster and the metrics are checked by {@link #leaksIn}; {@link SecretCanaryIT}, the last
 * e2e class, asserts that nothing leaked in the whole run.
 */
public final class SecretCanary {

  /** The canary: random per run, so no file or fixture can hold it by accident. */
  public static final String VALUE = "gpucompute-canary-" + HexFormat.of().formatHex(new SecureRandom()
      .generateSeed(12));

  private static final List<String> logLeaks = new CopyOnWriteArrayList<>();
  private static final List<String> reported = new CopyOnWriteArrayList<>();
  private static final Set<String> providers = ConcurrentHashMap.newKeySet();
  private static boolean watching;

  private SecretCanary() {}

  /** Checks every line the test JVM logs from now on, in the operator's console format (installed once). */
  public static synchronized void watchLogs() {
    if (watching) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDOUT");
    Layout<ILoggingEvent> layout = ((PatternLayoutEncoder) console.getEncoder()).getLayout();
    AppenderBase<ILoggingEvent> watch = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        String line = layout.doLayout(event);
        if (line.contains(VALUE)) {
          logLeaks.add(line);
        }
      }
    };
    watch.setContext(context);
    watch.setName("e2e-secret-canary");
    watch.start();
    root.addAppender(watch);
    watching = true;
  }

  /** Records that the e2e run gave the canary to {@code provider}. */
  public static void usedBy(String provider) {
    providers.add(provider);
  }

  /** The providers that were given the canary so far. */
  public static Set<String> providersUsed() {
    return Set.copyOf(providers);
  }

  /**
   * Where the canary shows now: every Event of the cluster, the status of every GpuJob, GpuDag and ProviderConfig,
   * and {@code metrics} (what {@code /metrics} serves). What it finds is also kept for {@link #leaks()}.
   */
  public static List<String> leaksIn(KubernetesClient client, String metrics) {
    List<String> found = new ArrayList<>();
    for (Event event : client.v1().events().inAnyNamespace().list().getItems()) {
      if (String.valueOf(event.getMessage()).contains(VALUE) || String.valueOf(event.getReason()).contains(VALUE)) {
        found.add("Event " + event.getMetadata().getNamespace() + "/" + event.getMetadata().getName());
      }
    }
    client.resources(GpuJob.class).inAnyNamespace().list().getItems().stream()
        .filter(job -> Serialization.asJson(job.getStatus()).contains(VALUE))
        .forEach(job -> found.add("status of GpuJob " + job.getMetadata().getNamespace() + "/"
            + job.getMetadata().getName()));
    client.resources(GpuDag.class).inAnyNamespace().list().getItems().stream()
        .filter(dag -> Serialization.asJson(dag.getStatus()).contains(VALUE))
        .forEach(dag -> found.add("status of GpuDag " + dag.getMetadata().getNamespace() + "/"
            + dag.getMetadata().getName()));
    client.resources(ProviderConfig.class).list().getItems().stream()
        .filter(config -> Serialization.asJson(config.getStatus()).contains(VALUE))
        .forEach(config -> found.add("status of ProviderConfig " + config.getMetadata().getName()));
    if (metrics != null && metrics.contains(VALUE)) {
      found.add("/metrics");
    }
    reported.addAll(found);
    return found;
  }

  /** The log lines that held the canary since {@link #watchLogs}. */
  public static List<String> logLeaks() {
    return List.copyOf(logLeaks);
  }

  /** Everything {@link #leaksIn} found in the whole run. */
  public static List<String> leaks() {
    return List.copyOf(reported);
  }
}
