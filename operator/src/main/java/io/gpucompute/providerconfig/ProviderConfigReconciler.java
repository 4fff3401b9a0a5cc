package io.gpucompute.providerconfig;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigStatus;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.kube.SecretData;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderRegistry;
import io.gpucompute.status.Conditions;
import io.gpucompute.kube.LeanItemStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles ProviderConfigs: checks the spec, reads the credentials Secret by name, connects the provider,
 * probes it, sweeps it for orphans, and publishes Ready, the offers with their prices, and the count of jobs that hold
 * a workload on it. Its finalizer keeps a deleted ProviderConfig (and its provider) until every workload it started
 * is released, so no job's workload is stranded.
 */
@ControllerConfiguration(name = ProviderConfigReconciler.NAME, informer = @Informer(itemStore = LeanItemStore.class))
public class ProviderConfigReconciler implements Reconciler<ProviderConfig>, Cleaner<ProviderConfig> {

  public static final String NAME = "providerconfig";
  private static final Logger LOG = LoggerFactory.getLogger(ProviderConfigReconciler.class);
  private static final Duration RECOUNT_DELAY = Duration.ofSeconds(2);
  private static final Duration DELETION_RECHECK = Duration.ofSeconds(10);
  private static final int NAMED_IN_EVENT = 10;
  /** The probe reason of credentials the provider refused, the one probe outcome that waits for a person. */
  private static final String INVALID_CREDENTIALS = "InvalidCredentials";

  private record Probe(long generation, Credentials credentials, Instant at, ProbeResult result) {}

  private final ProviderRegistry providers;
  private final EventRecorder recorder;
  private final Clock clock;
  private final Duration probeInterval;
  private final ProviderConfigJobs jobs;
  private final OrphanSweeper sweeper;
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();
  /**
   * ProviderConfigs woken because a job started or stopped holding work. The job's own status write may reach
   * the cache just after this reconcile counts, so such a ProviderConfig counts again shortly after.
   */
  private final Set<String> recountSoon = ConcurrentHashMap.newKeySet();
  private final SimpleInboundEventSource<ProviderConfig> wakeUps = new SimpleInboundEventSource<>("providerconfig-wakeups");
  private volatile ResourceCache<ProviderConfig> configs;

  /**
   * @param jobs what the GpuJob cache says of the jobs on each ProviderConfig
   * @param sweeper the orphan sweep, run from each reconcile when due
   */
  public ProviderConfigReconciler(ProviderRegistry providers, EventRecorder recorder, Clock clock, Duration probeInterval,
      ProviderConfigJobs jobs, OrphanSweeper sweeper) {
    this.providers = providers;
    this.recorder = recorder;
    this.clock = clock;
    this.probeInterval = probeInterval;
    this.jobs = jobs;
    this.sweeper = sweeper;
  }

  @Override
  public List<EventSource<?, ProviderConfig>> prepareEventSources(EventSourceContext<ProviderConfig> context) {
    this.configs = context.getPrimaryCache();
    return List.of(wakeUps);
  }

  /** The cache of ProviderConfigs, for the metrics; null until prepared. */
  public ResourceCache<ProviderConfig> configCache() {
    return configs;
  }

  /** Asks for ProviderConfig {@code name} to be reconciled soon: its active jobs changed. */
  public void jobsChanged(String name) {
    recountSoon.add(name);
    wakeUps.propagateEvent(new ResourceID(name));
  }

  @Override
  public UpdateControl<ProviderConfig> reconcile(ProviderConfig config, Context<ProviderConfig> context) {
    String name = config.getMetadata().getName();
    long generation = generation(config);
    ProviderConfigStatus before = config.getStatus();
    ProviderConfigStatus status = new ProviderConfigStatus();
    status.setObservedGeneration(generation);
    status.setActiveJobs(jobs.holding(name, config.getMetadata().getUid()).size());
    status.setOffers(before == null ? List.of() : before.getOffers());

    ProbeResult outcome;
    boolean needsAPerson;
    try {
      Credentials credentials = credentials(config.getSpec(), context);
      GpuProvider provider = connect(config, credentials);
      outcome = probe(config, credentials, provider);
      if (outcome.ready()) {
        status.setOffers(OfferCatalog.merge(provider.offers(), config.getSpec().getPrices(),
            config.getSpec().getCurrency()));
        sweeper.sweepIfDue(config, provider);
      }
      needsAPerson = !outcome.ready() && INVALID_CREDENTIALS.equals(outcome.reason());
    } catch (ProviderException.InvalidRequest | ProviderException.InvalidCredentials e) {
      outcome = ProbeResult.notReady(e.reason(), e.getMessage());
      needsAPerson = true;
    } catch (ProviderException e) {
      outcome = ProbeResult.notReady(e.reason(), e.getMessage());
      needsAPerson = false;
    }
    Instant now = clock.instant();
    var conditions = Conditions.with(before == null ? null : before.getConditions(),
        ProviderConfigCondition.READY, outcome.ready(), outcome.reason(), outcome.message(), generation, now);
    status.setConditions(Conditions.with(conditions, ProviderConfigCondition.STALLED, needsAPerson, outcome.reason(),
        outcome.message(), generation, now));
    recordTransition(config, before, outcome);

    UpdateControl<ProviderConfig> control = status.equals(before) ? UpdateControl.noUpdate()
        : UpdateControl.patchStatus(statusPatch(config, status));
    Duration next = recountSoon.remove(name) ? RECOUNT_DELAY : probeInterval;
    Duration sweep = sweeper.dueIn(config.getMetadata().getUid());
    return control.rescheduleAfter(outcome.ready() && sweep.compareTo(next) < 0 ? sweep.plusMillis(100) : next);
  }

  /**
   * A deleted ProviderConfig goes once no job holds a workload on it: until then its provider stays connected (also
   * after an operator restart), so those jobs can still be observed and their workloads released. Its status counts
   * them, and an Event names them.
   */
  @Override
  public DeleteControl cleanup(ProviderConfig config, Context<ProviderConfig> context) {
    String name = config.getMetadata().getName();
    String uid = config.getMetadata().getUid();
    List<String> holding = jobs.holding(name, uid);
    if (holding.isEmpty()) {
      providers.disconnect(uid);
      probes.remove(uid);
      sweeper.forget(uid);
      recountSoon.remove(name);
      LOG.info("ProviderConfig {}: deleted; no job holds a workload on it", name);
      return DeleteControl.defaultDelete();
    }
    try {
      connect(config, credentials(config.getSpec(), context));
    } catch (ProviderException e) {
      LOG.warn("ProviderConfig {}: being deleted, and its provider cannot be connected ({}); its jobs wait", name,
          e.getMessage());
    }
    recorder.normal(config, "WaitingForWorkloads", "deletion waits for " + holding.size() + " job(s) whose "
        + "workloads run on this ProviderConfig: " + String.join(", ", holding.subList(0, Math.min(NAMED_IN_EVENT,
        holding.size()))) + (holding.size() > NAMED_IN_EVENT ? " and " + (holding.size() - NAMED_IN_EVENT) + " more" : ""));
    ProviderConfigStatus status = config.getStatus() == null ? new ProviderConfigStatus() : config.getStatus();
    if (!Integer.valueOf(holding.size()).equals(status.getActiveJobs())) {
      status.setActiveJobs(holding.size());
      try {
        context.getClient().resource(statusPatch(config, status)).patchStatus();
      } catch (KubernetesClientException e) {
        LOG.debug("ProviderConfig {}: cannot write its count of jobs: {}", name, e.getMessage());
      }
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(DELETION_RECHECK);
  }

  private GpuProvider connect(ProviderConfig config, Credentials credentials) throws ProviderException {
    return providers.connect(config.getMetadata().getUid(), config.getMetadata().getName(), generation(config),
        config.getSpec(), credentials);
  }

  private static long generation(ProviderConfig config) {
    return config.getMetadata().getGeneration() == null ? 0 : config.getMetadata().getGeneration();
  }

  /** From a fresh object without a resourceVersion: the operator is the status's only writer. */
  private static ProviderConfig statusPatch(ProviderConfig config, ProviderConfigStatus status) {
    ProviderConfig patch = new ProviderConfig();
    patch.setMetadata(new ObjectMetaBuilder().withName(config.getMetadata().getName())
        .withUid(config.getMetadata().getUid()).build());
    patch.setStatus(status);
    return patch;
  }

  private ProbeResult probe(ProviderConfig config, Credentials credentials, GpuProvider provider) {
    String uid = config.getMetadata().getUid();
    long generation = generation(config);
    Instant now = clock.instant();
    Probe last = probes.get(uid);
    if (last != null && last.generation() == generation && last.credentials().equals(credentials)
        && now.isBefore(last.at().plus(probeInterval))) {
      return last.result();
    }
    ProbeResult result = provider.probe();
    probes.put(uid, new Probe(generation, credentials, now, result));
    return result;
  }

  /** Reads the credentials Secret by name; never logs or returns its values anywhere but to the provider. */
  private static Credentials credentials(ProviderConfigSpec spec, Context<ProviderConfig> context)
      throws ProviderException.InvalidRequest {
    if (spec.getCredentialsSecretRef() == null) {
      return Credentials.NONE;
    }
    String namespace = spec.getCredentialsSecretRef().getNamespace();
    String secretName = spec.getCredentialsSecretRef().getName();
    return SecretData.read(context.getClient(), namespace, secretName).map(Credentials::new)
        .orElseThrow(() -> new ProviderException.InvalidRequest("SecretNotFound",
            "credentials Secret " + namespace + "/" + secretName + " does not exist"));
  }

  private void recordTransition(ProviderConfig config, ProviderConfigStatus before, ProbeResult outcome) {
    Condition old = before == null ? null
        : Conditions.find(before.getConditions(), ProviderConfigCondition.READY).orElse(null);
    if (old != null && Objects.equals(old.getStatus(), outcome.ready() ? Conditions.TRUE : Conditions.FALSE)
        && Objects.equals(old.getReason(), outcome.reason())) {
      return;
    }
    LOG.info("ProviderConfig {}: Ready={} ({}): {}", config.getMetadata().getName(), outcome.ready(), outcome.reason(),
        outcome.message());
    if (outcome.ready()) {
      recorder.normal(config, outcome.reason(), outcome.message());
    } else {
      recorder.warning(config, outcome.reason(), outcome.message());
    }
  }
}
