package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderRegistry;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadListener;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles GpuJobs: observe (caches and the provider), decide ({@link JobDecider}), act (one provider call),
 * then write status if it changed. Thin on purpose: the decisions live in {@link JobDecider}.
 */
@ControllerConfiguration(name = GpuJobReconciler.NAME)
@GradualRetry(maxAttempts = -1, initialInterval = 2000, intervalMultiplier = 2, maxInterval = 120_000)
@MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES)
public class GpuJobReconciler implements Reconciler<GpuJob>, Cleaner<GpuJob>, WorkloadListener {

  public static final String NAME = "gpujob";
  /** Index of cached GpuJobs by the name of their ProviderConfig. */
  public static final String BY_PROVIDER_CONFIG = "byProviderConfig";
  private static final Logger LOG = LoggerFactory.getLogger(GpuJobReconciler.class);
  private static final Duration CLEANUP_RETRY = Duration.ofSeconds(30);
  private static final Duration STALE_CACHE_RETRY = Duration.ofMillis(250);
  private static final Duration PROVIDER_WAIT = Duration.ofSeconds(2);
  /**
   * How long a submit's expectation is honoured. If the status write after a submit failed, the cache never
   * shows the attempt; after this the job is decided from the cache again, and the idempotent submit of the
   * same attempt finds the workload already started.
   */
  private static final Duration EXPECTATION_TTL = Duration.ofSeconds(30);

  private final ProviderRegistry providers;
  private final AdmissionQueue queue;
  private final WorkloadSpecs workloadSpecs;
  private final JobEvents events;
  private final EventRecorder recorder;
  private final Clock clock;
  private final JobTiming timing;
  private final Consumer<String> providerConfigChanged;
  private final JobMetrics metrics;
  /**
   * The highest attempt this process submitted, by job uid: Kubernetes controllers' "expectations". A
   * reconcile may start from a cached job that does not show this process's latest status write yet; acting
   * on it could forget a running attempt. Such a reconcile waits for the cache instead.
   */
  private final Map<String, Expectation> submittedAttempts = new ConcurrentHashMap<>();

  /** An attempt this process submitted, and until when a cache that does not show it yet is waited for. */
  private record Expectation(int attempt, Instant until) {}
  private final SimpleInboundEventSource<GpuJob> wakeUps = new SimpleInboundEventSource<>("gpujob-wakeups");
  private volatile io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache<GpuJob> jobs;
  private volatile InformerEventSource<ProviderConfig, GpuJob> providerConfigs;

  /**
   * @param providerConfigChanged told the name of a ProviderConfig whose count of active jobs may have changed
   */
  public GpuJobReconciler(ProviderRegistry providers, AdmissionQueue queue, WorkloadSpecs workloadSpecs,
      EventRecorder recorder, Clock clock, JobTiming timing, Consumer<String> providerConfigChanged) {
    this(providers, queue, workloadSpecs, recorder, clock, timing, providerConfigChanged, JobMetrics.NONE);
  }

  /** Like the other constructor, and tells {@code metrics} of each decided status. */
  public GpuJobReconciler(ProviderRegistry providers, AdmissionQueue queue, WorkloadSpecs workloadSpecs,
      EventRecorder recorder, Clock clock, JobTiming timing, Consumer<String> providerConfigChanged,
      JobMetrics metrics) {
    this.metrics = metrics;
    this.providers = providers;
    this.queue = queue;
    this.workloadSpecs = workloadSpecs;
    this.recorder = recorder;
    this.events = new JobEvents(recorder);
    this.clock = clock;
    this.timing = timing;
    this.providerConfigChanged = providerConfigChanged;
  }

  @Override
  public List<EventSource<?, GpuJob>> prepareEventSources(EventSourceContext<GpuJob> context) {
    context.getPrimaryCache().addIndexer(BY_PROVIDER_CONFIG,
        job -> List.of(job.getSpec().getProviderConfigRef().getName()));
    this.jobs = context.getPrimaryCache();
    var providerConfigs = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(ProviderConfig.class, GpuJob.class)
        .withName("providerconfigs")
        .withPrimaryToSecondaryMapper((GpuJob job) -> Set.of(new ResourceID(job.getSpec().getProviderConfigRef().getName())))
        .withSecondaryToPrimaryMapper(pc -> jobsOf(context, pc.getMetadata().getName()))
        .withOnUpdateFilter(ProviderConfigChange::mattersToJobs)
        .build(), context);
    var namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(Namespace.class, GpuJob.class)
        .withName("namespaces")
        .withPrimaryToSecondaryMapper((GpuJob job) -> Set.of(new ResourceID(job.getMetadata().getNamespace())))
        .withSecondaryToPrimaryMapper(ns -> context.getPrimaryCache().list(ns.getMetadata().getName())
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels()))
        .build(), context);
    this.providerConfigs = providerConfigs;
    return List.of(providerConfigs, namespaces, wakeUps);
  }

  private static Set<ResourceID> jobsOf(EventSourceContext<GpuJob> context, String providerConfig) {
    return context.getPrimaryCache().byIndex(BY_PROVIDER_CONFIG, providerConfig).stream()
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<GpuJob> reconcile(GpuJob job, Context<GpuJob> context) throws ProviderException {
    Instant now = clock.instant();
    if (cacheLagsBehindSubmit(job, now)) {
      return UpdateControl.<GpuJob>noUpdate().rescheduleAfter(STALE_CACHE_RETRY);
    }
    String configName = job.getSpec().getProviderConfigRef().getName();
    Optional<ProviderConfig> config = context.getSecondaryResource(ProviderConfig.class);
    Optional<GpuProvider> provider = providers.find(configName);
    ProviderView view = ProviderResolver.resolve(job, config, context.getSecondaryResource(Namespace.class),
        provider.isPresent());
    GpuJobStatus before = job.getStatus();

    Observation observation = null;
    if (before != null && before.getPhase() != null && before.getPhase().holdsWorkload()) {
      if (provider.isEmpty()) {
        // After a restart the provider exists only once its ProviderConfig is reconciled. Until then the workload
        // can be neither observed nor stopped, so nothing is decided about it.
        LOG.debug("GpuJob {}/{}: waiting for provider {} to observe attempt {}", job.getMetadata().getNamespace(),
            job.getMetadata().getName(), configName, before.getAttempts());
        return UpdateControl.<GpuJob>noUpdate().rescheduleAfter(PROVIDER_WAIT);
      }
      observation = provider.get().observe(WorkloadSpecs.key(job, before.getAttempts()));
    }
    Admission admission = Admission.NOT_ASKED;
    if (config.isPresent() && JobDecider.wantsToStart(job, view, now)) {
      admission = queue.admit(configName, JobQueueSnapshot.entry(job),
          JobQueueSnapshot.of(config.get(), context.getPrimaryCache().byIndex(BY_PROVIDER_CONFIG, configName), now));
    }
    JobSituation situation = new JobSituation(job, view, admission, observation, now,
        ThreadLocalRandom.current().nextDouble(), timing);
    Decision decision = act(job, situation, JobDecider.decide(situation), provider, context);

    GpuJobStatus after = decision.status();
    events.transition(job, before, after);
    metrics.decided(job, before, after, now);
    if (wasActive(before) != after.getPhase().holdsWorkload()) {
      providerConfigChanged.accept(configName);
    }
    UpdateControl<GpuJob> control = after.equals(before) ? UpdateControl.noUpdate()
        : UpdateControl.patchStatus(statusPatch(job, after));
    return decision.requeueAfter() == null ? control : control.rescheduleAfter(decision.requeueAfter());
  }

  /** Whether the cached job does not show yet an attempt this process submitted a moment ago. */
  private boolean cacheLagsBehindSubmit(GpuJob job, Instant now) {
    Expectation expected = submittedAttempts.get(job.getMetadata().getUid());
    if (expected == null) {
      return false;
    }
    int seen = job.getStatus() == null || job.getStatus().getAttempts() == null ? 0 : job.getStatus().getAttempts();
    if (seen >= expected.attempt() || now.isAfter(expected.until())) {
      submittedAttempts.remove(job.getMetadata().getUid(), expected);
      return false;
    }
    LOG.debug("GpuJob {}/{}: cache lags behind attempt {}; waiting for it", job.getMetadata().getNamespace(),
        job.getMetadata().getName(), expected.attempt());
    return true;
  }

  /** Performs the decision's action, and returns the decision as it stands after it. */
  private Decision act(GpuJob job, JobSituation situation, Decision decision, Optional<GpuProvider> provider,
      Context<GpuJob> context) throws ProviderException {
    String configName = job.getSpec().getProviderConfigRef().getName();
    Decision.Action action = decision.action();
    if (action instanceof Decision.Submit submit) {
      try {
        SubmitResult result = provider.orElseThrow().submit(workloadSpecs.build(job, submit.attempt()));
        submittedAttempts.put(job.getMetadata().getUid(),
            new Expectation(submit.attempt(), clock.instant().plus(EXPECTATION_TTL)));
        return JobDecider.submitted(decision, submit.attempt(), result);
      } catch (ProviderException.InvalidRequest | ProviderException.NoCapacity | ProviderException.InvalidCredentials e) {
        queue.release(configName, JobQueueSnapshot.id(job));
        return JobDecider.submitRefused(situation, e);
      } catch (ProviderException.Transient e) {
        queue.release(configName, JobQueueSnapshot.id(job));
        throw e;
      }
    }
    if (action instanceof Decision.StopWorkload stop) {
      if (provider.isPresent()) {
        provider.get().cancel(WorkloadSpecs.key(job, stop.attempt()));
      }
      handOff(job, configName);
    } else if (action instanceof Decision.DeleteJob) {
      LOG.info("GpuJob {}/{}: deleting, spec.ttlSecondsAfterFinished has passed", job.getMetadata().getNamespace(),
          job.getMetadata().getName());
      recorder.normal(job, "TimeToLiveExpired", "deleting the job: spec.ttlSecondsAfterFinished has passed");
      context.getClient().resource(job).delete();
    }
    return decision;
  }

  /**
   * The object to patch status from: name, namespace and status only. Without a resourceVersion the write cannot
   * fail on a cache that lags one write behind; the operator is the status's only writer.
   */
  private static GpuJob statusPatch(GpuJob job, GpuJobStatus status) {
    GpuJob patch = new GpuJob();
    patch.setMetadata(new ObjectMetaBuilder().withName(job.getMetadata().getName())
        .withNamespace(job.getMetadata().getNamespace()).withUid(job.getMetadata().getUid()).build());
    patch.setStatus(status);
    return patch;
  }

  private static boolean wasActive(GpuJobStatus status) {
    return status != null && status.getPhase() != null && status.getPhase().holdsWorkload();
  }

  /**
   * Hands the capacity {@code job} gave back to the queue: the queue stops counting the job at once (the cache still
   * shows it active until its status write arrives), and the jobs that can start now are woken, with no timer between
   * a freed GPU and the next job.
   */
  private void handOff(GpuJob job, String configName) {
    var cache = jobs;
    ProviderConfig config = providerConfigs == null ? null
        : providerConfigs.get(new ResourceID(configName)).orElse(null);
    queue.freed(configName, JobQueueSnapshot.id(job));
    if (cache == null || config == null) {
      return;
    }
    List<GpuJob> ofProvider = cache.byIndex(BY_PROVIDER_CONFIG, configName);
    Set<String> admissible = Set.copyOf(queue.admissible(configName,
        JobQueueSnapshot.of(config, ofProvider, clock.instant())));
    ofProvider.stream().filter(j -> admissible.contains(JobQueueSnapshot.id(j)))
        .forEach(j -> wakeUps.propagateEvent(ResourceID.fromResource(j)));
  }

  /** The cache of GpuJobs, indexed by {@link #BY_PROVIDER_CONFIG}; null until the operator has started. */
  public io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache<GpuJob> jobCache() {
    return jobs;
  }

  @Override
  public void changed(WorkloadKey key) {
    wakeUps.propagateEvent(new ResourceID(key.name(), key.namespace()));
  }

  @Override
  public DeleteControl cleanup(GpuJob job, Context<GpuJob> context) {
    String configName = job.getSpec().getProviderConfigRef().getName();
    queue.release(configName, JobQueueSnapshot.id(job));
    submittedAttempts.remove(job.getMetadata().getUid());
    int attempts = job.getStatus() == null || job.getStatus().getAttempts() == null ? 0 : job.getStatus().getAttempts();
    if (attempts == 0) {
      return DeleteControl.defaultDelete();
    }
    Optional<GpuProvider> provider = providers.find(configName);
    if (provider.isEmpty()) {
      recorder.warning(job, "CleanupBlocked", "cannot stop attempt " + attempts + ": ProviderConfig " + configName
          + " is not available; the job is kept until it is, so its workload does not leak");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RETRY);
    }
    // The last attempt first: it is the one that may still run. Earlier ones ended, but may have left records.
    for (int attempt = attempts; attempt >= 1; attempt--) {
      try {
        provider.get().forget(WorkloadSpecs.key(job, attempt));
      } catch (ProviderException e) {
        recorder.warning(job, "CleanupFailed", "could not stop or remove attempt " + attempt + ": " + e.getMessage());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RETRY);
      }
    }
    LOG.info("GpuJob {}/{}: deleted; attempt {} stopped", job.getMetadata().getNamespace(), job.getMetadata().getName(),
        attempts);
    if (wasActive(job.getStatus())) {
      providerConfigChanged.accept(configName);
      handOff(job, configName);
    }
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<GpuJob> updateErrorStatus(GpuJob job, Context<GpuJob> context, Exception e) {
    GpuJobStatus status = job.getStatus() == null ? new GpuJobStatus() : job.getStatus();
    String reason = e instanceof ProviderException pe ? pe.reason() : "ReconcileError";
    String message = "retrying: " + e.getMessage();
    LOG.warn("GpuJob {}/{}: reconcile failed ({}): {}", job.getMetadata().getNamespace(), job.getMetadata().getName(),
        reason, e.getMessage());
    var conditions = io.gpucompute.status.Conditions.with(status.getConditions(), JobCondition.RECONCILING, true, reason,
        message, job.getMetadata().getGeneration(), clock.instant());
    if (conditions.equals(status.getConditions())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    // A new kind of failure: one Warning Event for it (retries of the same failure write none).
    recorder.warning(job, reason, message);
    status.setConditions(conditions);
    if (status.getPhase() == null) {
      status.setPhase(JobPhase.Pending);
      status.setObservedGeneration(job.getMetadata().getGeneration());
    }
    return ErrorStatusUpdateControl.patchStatus(statusPatch(job, status));
  }
}
