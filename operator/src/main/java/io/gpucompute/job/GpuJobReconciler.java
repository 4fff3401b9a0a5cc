package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.budget.BudgetGate;
import io.gpucompute.budget.BudgetVerdicts;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderRegistry;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadListener;
import io.gpucompute.provider.SpotRequest;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.status.StatusCopies;
import io.gpucompute.kube.InformerSync;
import io.gpucompute.kube.LeanItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.math.BigDecimal;
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
 * Reconciles GpuJobs: observe (caches and the provider), decide ({@link JobDecider}), act (one provider call), and
 * write the status through {@link JobStatusWriter}. Thin on purpose: the decisions live in {@link JobDecider}; this
 * class only keeps their order: an attempt's record is written before its submit, and a workload is released only
 * after its outcome was written.
 */
@ControllerConfiguration(name = GpuJobReconciler.NAME)
@MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES)
public class GpuJobReconciler implements Reconciler<GpuJob>, Cleaner<GpuJob>, WorkloadListener {

  public static final String NAME = "gpujob";
  /**
   * Index of cached GpuJobs by the ProviderConfigs whose queues they are in ({@link JobCandidates#queueKeys}):
   * {@link JobCandidates#ANY} for waiting jobs that any ProviderConfig may take.
   */
  public static final String BY_PROVIDER_CONFIG = "byProviderConfig";
  /** Index of cached GpuJobs by uid, for the orphan sweep. */
  public static final String BY_UID = "byUid";
  private static final Logger LOG = LoggerFactory.getLogger(GpuJobReconciler.class);
  /** How soon to decide again when a status write found the job changed since it was read. */
  private static final Duration STALE_READ_RETRY = Duration.ofMillis(100);
  private static final Duration PROVIDER_WAIT = Duration.ofSeconds(2);

  private final ProviderRegistry providers;
  private final AdmissionQueue queue;
  private final WorkloadSpecs workloadSpecs;
  private final JobEvents events;
  private final EventRecorder recorder;
  private final Clock clock;
  private final JobTiming timing;
  private final Consumer<String> providerConfigChanged;
  private final JobMetrics metrics;
  private final BudgetGate budgets;
  private final JobStatusWriter writer = new JobStatusWriter();
  /**
   * The attempt of each job (by uid) whose submit this process saw accepted, with the provider's answer: a workload
   * the provider does not show yet was created, so it is waited for rather than submitted again. Dropped when the
   * workload is released.
   */
  private final Map<String, Accepted> acceptedAttempts = new ConcurrentHashMap<>();

  /** A submit this process saw accepted. */
  private record Accepted(int attempt, SubmitResult answer) {}
  /** Consecutive failed cleanups by job uid, for their backoff. */
  private final Map<String, Integer> cleanupFailures = new ConcurrentHashMap<>();
  private final SimpleInboundEventSource<GpuJob> wakeUps = new SimpleInboundEventSource<>("gpujob-wakeups");
  private final WorkloadPoller poller;
  private volatile IndexedResourceCache<GpuJob> jobs;
  private volatile InformerEventSource<ProviderConfig, GpuJob> providerConfigs;
  private volatile InformerEventSource<Namespace, GpuJob> namespaces;
  private final JobPlacer placer;
  private final JobQueues queues;
  /** The store of this controller's cache ({@link #cacheStore()}); it keeps the queues and the shared view. */
  private final GpuJobItemStore cacheStore = new GpuJobItemStore();
  private final QueueIndex queueIndex = new QueueIndex();
  private final JobCache sharedCache = new JobCache(cacheStore, () -> InformerSync.hasSynced(jobs));

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
    this(providers, queue, workloadSpecs, recorder, clock, timing, providerConfigChanged, metrics, BudgetGate.NONE);
  }

  /** Like the other constructors, and asks {@code budgets} before the queue, and whether a running job must stop. */
  public GpuJobReconciler(ProviderRegistry providers, AdmissionQueue queue, WorkloadSpecs workloadSpecs,
      EventRecorder recorder, Clock clock, JobTiming timing, Consumer<String> providerConfigChanged,
      JobMetrics metrics, BudgetGate budgets) {
    this.metrics = metrics;
    this.budgets = budgets;
    this.providers = providers;
    this.queue = queue;
    this.workloadSpecs = workloadSpecs;
    this.recorder = recorder;
    this.events = new JobEvents(recorder);
    this.clock = clock;
    this.timing = timing;
    this.providerConfigChanged = providerConfigChanged;
    cacheStore.listen(queueIndex);
    this.queues = new JobQueues(queue, queueIndex, clock, () -> namespaces, this::providerConfig,
        job -> wakeUps.propagateEvent(ResourceID.fromResource(job)));
    this.placer = new JobPlacer(queue, budgets, new JobPlacer.Caches() {
      @Override
      public java.util.Collection<ProviderConfig> providerConfigs() {
        var configs = GpuJobReconciler.this.providerConfigs;
        return configs == null ? List.of() : configs.list().toList();
      }

      @Override
      public Optional<ProviderConfig> providerConfig(String name) {
        return GpuJobReconciler.this.providerConfig(name);
      }

      @Override
      public Optional<GpuProvider> provider(String uid) {
        return providers.find(uid);
      }

      @Override
      public long queueFingerprint(ProviderConfig config) {
        return queues.fingerprint(config);
      }

      @Override
      public AdmissionQueue.Snapshot queueSnapshot(ProviderConfig config, Instant now) {
        return queues.read(config, now).snapshot();
      }
    });
    this.poller = new WorkloadPoller(timing.pollInterval(), this::cachedJobs, this::held,
        job -> wakeUps.propagateEvent(ResourceID.fromResource(job)));
  }

  /** Starts polling the workloads that jobs hold (the operator has started). */
  public void startPolling() {
    poller.start();
  }

  /** Stops polling. */
  public void stopPolling() {
    poller.close();
  }

  private List<GpuJob> cachedJobs() {
    var cache = jobs;
    return cache == null ? List.of() : cache.list().toList();
  }

  /** The workload {@code job} holds now, with its connected provider, for the poller. */
  private Optional<WorkloadPoller.Held> held(GpuJob job) {
    GpuJobStatus status = job.getStatus();
    if (status == null || status.getPhase() == null || !status.getPhase().holdsWorkload()
        || status.getAttempts() == null) {
      return Optional.empty();
    }
    return AttemptBindings.unreleased(job).flatMap(this::providerOf)
        .map(provider -> new WorkloadPoller.Held(job, WorkloadSpecs.key(job, status.getAttempts()), provider));
  }

  /**
   * The store this controller's informer must keep its GpuJobs in: it files them in the queues as they change.
   * Register the reconciler with {@code withItemStore(reconciler.cacheStore())}.
   */
  public ItemStore<GpuJob> cacheStore() {
    return cacheStore;
  }

  /** This controller's cache as other controllers read it. */
  public JobCache sharedCache() {
    return sharedCache;
  }

  @Override
  public List<EventSource<?, GpuJob>> prepareEventSources(EventSourceContext<GpuJob> context) {
    if (context.getControllerConfiguration().getInformerConfig().getItemStore() != cacheStore) {
      throw new IllegalStateException("the GpuJob controller must be registered with withItemStore(cacheStore()): "
          + "without it no job is ever filed in a queue");
    }
    context.getPrimaryCache().addIndexer(BY_PROVIDER_CONFIG, JobCandidates::queueKeys);
    context.getPrimaryCache().addIndexer(BY_UID, job -> List.of(job.getMetadata().getUid()));
    this.jobs = context.getPrimaryCache();
    var configs = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(ProviderConfig.class, GpuJob.class)
        .withName("providerconfigs")
        .withItemStore(new LeanItemStore<>())
        .withPrimaryToSecondaryMapper((GpuJob job) -> JobCandidates.queueKeys(job).stream()
            .filter(key -> !JobCandidates.ANY.equals(key)).map(ResourceID::new).collect(Collectors.toSet()))
        .withSecondaryToPrimaryMapper(pc -> jobsOf(context, pc.getMetadata().getName()))
        .withOnUpdateFilter(ProviderConfigChange::mattersToJobs)
        .build(), context);
    var namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(Namespace.class, GpuJob.class)
        .withName("namespaces")
        .withItemStore(new LeanItemStore<>())
        .withPrimaryToSecondaryMapper((GpuJob job) -> Set.of(new ResourceID(job.getMetadata().getNamespace())))
        .withSecondaryToPrimaryMapper(ns -> context.getPrimaryCache().list(ns.getMetadata().getName())
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels()))
        .build(), context);
    this.providerConfigs = configs;
    this.namespaces = namespaces;
    return List.of(configs, namespaces, wakeUps);
  }

  /** The jobs a ProviderConfig's change may matter to: those in its queue, and the waiting ones any may take. */
  private static Set<ResourceID> jobsOf(EventSourceContext<GpuJob> context, String providerConfig) {
    return java.util.stream.Stream.concat(context.getPrimaryCache().byIndex(BY_PROVIDER_CONFIG, providerConfig).stream(),
            context.getPrimaryCache().byIndex(BY_PROVIDER_CONFIG, JobCandidates.ANY).stream())
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<GpuJob> reconcile(GpuJob job, Context<GpuJob> context) throws ProviderException {
    Instant now = clock.instant();
    Optional<Namespace> namespace = context.getSecondaryResource(Namespace.class);
    Optional<AttemptBindings.Binding> binding = AttemptBindings.unreleased(job);
    Optional<GpuProvider> attemptProvider = binding.flatMap(this::providerOf);
    JobSituation.AttemptProvider bound = null;
    if (binding.isPresent()) {
      Optional<ProviderConfig> boundConfig = boundConfig(binding.get());
      if (attemptProvider.isEmpty() && boundConfig.isPresent()) {
        // After a restart the provider exists only once its ProviderConfig is reconciled. Until then the workload
        // can be neither observed nor released, so nothing is decided about it.
        LOG.debug("GpuJob {}/{}: waiting for provider {} to be connected", job.getMetadata().getNamespace(),
            job.getMetadata().getName(), binding.get().name());
        return UpdateControl.<GpuJob>noUpdate().rescheduleAfter(PROVIDER_WAIT);
      }
      bound = new JobSituation.AttemptProvider(boundConfig.map(pc -> pc.getSpec().getType() + "/" + binding.get().name())
          .orElse(binding.get().name()), attemptProvider.isEmpty(),
          attemptProvider.map(GpuProvider::findsWorkloadsByKey).orElse(true));
    }
    GpuJobStatus before = job.getStatus();
    int attempt = before == null || before.getAttempts() == null ? 0 : before.getAttempts();
    Observation observation = null;
    if (before != null && before.getPhase() != null && before.getPhase().holdsWorkload() && attemptProvider.isPresent()) {
      WorkloadKey key = WorkloadSpecs.key(job, attempt);
      observation = poller.take(key).orElse(null);
      if (observation == null) {
        observation = attemptProvider.get().observe(key, before.getExternalId());
      }
    }
    PlacementOutcome placement = binding.isEmpty() && JobDecider.wantsToStart(job, now)
        ? placer.place(job, namespace, now)
        : PlacementOutcome.notAsked(currentView(job, namespace));
    Accepted accepted = acceptedAttempts.get(job.getMetadata().getUid());
    SubmitResult acceptedHere = accepted != null && accepted.attempt() == attempt ? accepted.answer() : null;
    JobSituation situation = new JobSituation(job, placement.provider(), bound, placement.admission(), observation,
        acceptedHere, now, ThreadLocalRandom.current().nextDouble(), timing, placement.choice(), placement.retryAt());
    Optional<BudgetVerdicts.Refusal> stop = observation == null ? Optional.empty() : budgets.stop(job, now);
    Decision decision = stop.map(s -> JobDecider.stop(situation, s.reason(), s.message()))
        .orElseGet(() -> JobDecider.decide(situation));
    Decision.Action action = decision.action();
    if (action instanceof Decision.Submit submit) {
      return submit(job, situation, decision, submit.attempt(), attemptProvider, context);
    }
    if (placement.admission() instanceof Admission.Admitted && placement.provider() instanceof ProviderView.Usable u) {
      queue.release(u.name(), JobQueueSnapshot.id(job)); // admitted, but not submitted after all
    }
    if (action instanceof Decision.Release release) {
      return release(job, decision, release.attempt(), binding.orElseThrow(), attemptProvider, context);
    }
    if (action instanceof Decision.DeleteJob) {
      LOG.info("GpuJob {}/{}: deleting, spec.ttlSecondsAfterFinished has passed", job.getMetadata().getNamespace(),
          job.getMetadata().getName());
      recorder.normal(job, "TimeToLiveExpired", "deleting the job: spec.ttlSecondsAfterFinished has passed");
      context.getClient().resource(job).delete();
      return UpdateControl.noUpdate();
    }
    return written(job, decision, context);
  }

  /**
   * The ProviderConfig a job that is not being placed shows: the one its spec names, else the one its last attempt
   * ran on; null when there is neither.
   */
  private ProviderView currentView(GpuJob job, Optional<Namespace> namespace) {
    String name = job.getSpec().getProviderConfigRef() != null ? job.getSpec().getProviderConfigRef().getName()
        : job.getStatus() != null && job.getStatus().getWorkload() != null
            ? job.getStatus().getWorkload().getProviderConfig() : null;
    if (name == null) {
      return null;
    }
    Optional<ProviderConfig> config = providerConfig(name);
    return ProviderResolver.resolve(job, name, config, namespace,
        config.flatMap(pc -> providers.find(pc.getMetadata().getUid())));
  }

  /**
   * Records the attempt (unless it is recorded already), then submits it, then writes what the provider's answer
   * means. A write that finds the job changed since it was read stops here: nothing is submitted from a stale read.
   */
  private UpdateControl<GpuJob> submit(GpuJob job, JobSituation situation, Decision decided, int attempt,
      Optional<GpuProvider> attemptProvider, Context<GpuJob> context) throws ProviderException {
    Decision recorded = decided;
    boolean resumed = AttemptBindings.recorded(job, attempt);
    var record = recorded.status().getWorkload();
    String queueName = record.getProviderConfig();
    Optional<GpuProvider> provider = resumed ? attemptProvider
        : situation.provider() instanceof ProviderView.Usable usable ? providers.find(usable.uid()) : Optional.empty();
    if (provider.isEmpty()) {
      queue.release(queueName, JobQueueSnapshot.id(job));
      return UpdateControl.<GpuJob>noUpdate().rescheduleAfter(PROVIDER_WAIT);
    }
    SubmitOutcome outcome;
    GpuJob current = job;
    try {
      WorkloadSpec spec = workloadSpecs.build(job, attempt, providerConfig(queueName))
          .withSpot(record.onSpot() ? spotRequest(job) : null);
      recorded = ArchivedLogs.noted(recorded, attempt, spec.logUpload());
      if (!resumed) {
        Optional<GpuJob> written = writer.write(job, recorded.status(), context);
        if (written.isEmpty()) {
          queue.release(queueName, JobQueueSnapshot.id(job));
          return UpdateControl.<GpuJob>noUpdate().rescheduleAfter(STALE_READ_RETRY);
        }
        current = written.get();
        providerConfigChanged.accept(queueName);
      }
      outcome = new SubmitOutcome.Accepted(provider.get().submit(spec));
    } catch (ProviderException e) {
      outcome = SubmitOutcome.of(e);
    }
    if (outcome instanceof SubmitOutcome.Accepted answer) {
      acceptedAttempts.put(job.getMetadata().getUid(), new Accepted(attempt, answer.result()));
    } else {
      queue.release(queueName, JobQueueSnapshot.id(job));
    }
    Decision after = JobDecider.afterSubmit(situation, recorded, outcome);
    if (!after.status().equals(current.getStatus()) && writer.write(current, after.status(), context).isPresent()
        && !AttemptBindings.unreleased(current).equals(AttemptBindings.unreleased(jobWith(current, after.status())))) {
      providerConfigChanged.accept(queueName);
    }
    // One Event for the attempt, from the status before it was recorded to the one after its submit.
    events.transition(job, job.getStatus(), after.status());
    metrics.decided(job, job.getStatus(), after.status(), situation.now());
    if (after.failure() != null) {
      throw after.failure();
    }
    return reschedule(after.requeueAfter());
  }

  /** The job's spot terms: its price limit per GPU-hour as the bid, or the market price without one. */
  private static SpotRequest spotRequest(GpuJob job) {
    java.math.BigDecimal limit = io.gpucompute.cost.Money.parse(job.getSpec().getMaxPricePerHour());
    return limit == null ? SpotRequest.MARKET : new SpotRequest(limit.divide(
        java.math.BigDecimal.valueOf(job.getSpec().getGpu().getCount()), 6, java.math.RoundingMode.DOWN));
  }

  /** Releases an attempt's workload whose outcome is saved, then marks it released, and hands its capacity on. */
  private UpdateControl<GpuJob> release(GpuJob job, Decision decision, int attempt, AttemptBindings.Binding binding,
      Optional<GpuProvider> provider, Context<GpuJob> context) throws ProviderException {
    if (provider.isPresent()) {
      provider.get().cancel(WorkloadSpecs.key(job, attempt), job.getStatus().getExternalId());
    } else {
      LOG.info("GpuJob {}/{}: attempt {} ran on ProviderConfig {}, which is gone; nothing of it can run any more",
          job.getMetadata().getNamespace(), job.getMetadata().getName(), attempt, binding.name());
    }
    acceptedAttempts.computeIfPresent(job.getMetadata().getUid(), (uid, a) -> a.attempt() == attempt ? null : a);
    UpdateControl<GpuJob> control = written(job, decision, context);
    queues.handOff(job, binding.name());
    providerConfigChanged.accept(binding.name());
    return control;
  }

  /** Writes the decision's status when it changed, with its Event, and asks to be reconciled as it says. */
  private UpdateControl<GpuJob> written(GpuJob job, Decision decision, Context<GpuJob> context) {
    metrics.decided(job, job.getStatus(), decision.status(), clock.instant());
    if (!decision.status().equals(job.getStatus())) {
      if (writer.write(job, decision.status(), context).isEmpty()) {
        return UpdateControl.<GpuJob>noUpdate().rescheduleAfter(STALE_READ_RETRY);
      }
      events.transition(job, job.getStatus(), decision.status());
    }
    return reschedule(decision.requeueAfter());
  }

  private static UpdateControl<GpuJob> reschedule(Duration after) {
    UpdateControl<GpuJob> control = UpdateControl.noUpdate();
    return after == null ? control : control.rescheduleAfter(after);
  }

  private static GpuJob jobWith(GpuJob job, GpuJobStatus status) {
    GpuJob copy = new GpuJob();
    copy.setMetadata(job.getMetadata());
    copy.setSpec(job.getSpec());
    copy.setStatus(status);
    return copy;
  }

  private Optional<ProviderConfig> providerConfig(String name) {
    var configs = providerConfigs;
    return configs == null ? Optional.empty() : configs.get(new ResourceID(name));
  }

  /** The ProviderConfig an attempt is bound to, if it still exists (the same uid, or any for a status without). */
  private Optional<ProviderConfig> boundConfig(AttemptBindings.Binding binding) {
    return providerConfig(binding.name())
        .filter(pc -> binding.uid() == null || binding.uid().equals(pc.getMetadata().getUid()));
  }

  /** The connected provider of a binding; for a status without uids, that of the ProviderConfig of its name. */
  private Optional<GpuProvider> providerOf(AttemptBindings.Binding binding) {
    if (binding.uid() != null) {
      return providers.find(binding.uid());
    }
    return providerConfig(binding.name()).flatMap(pc -> providers.find(pc.getMetadata().getUid()));
  }

  /** The cache of GpuJobs, indexed by {@link #BY_PROVIDER_CONFIG} and {@link #BY_UID}; null until started. */
  public IndexedResourceCache<GpuJob> jobCache() {
    return jobs;
  }

  /** Looks at {@code job} again now: a budget it waits for (or that stops it) changed. */
  public void wake(ResourceID job) {
    wakeUps.propagateEvent(job);
  }

  @Override
  public void changed(WorkloadKey key) {
    poller.changed(key);
    wakeUps.propagateEvent(new ResourceID(key.name(), key.namespace()));
  }

  /**
   * Lets go of every attempt the job recorded, each on the ProviderConfig it ran on, before the job may go. The
   * status is read from the API server, not the cache, so an attempt recorded a moment ago is never missed.
   */
  @Override
  public DeleteControl cleanup(GpuJob job, Context<GpuJob> context) {
    String uid = job.getMetadata().getUid();
    queue.releaseEverywhere(JobQueueSnapshot.id(job));
    GpuJobStatus status = authoritativeStatus(job, context);
    int attempts = status == null || status.getAttempts() == null ? 0 : status.getAttempts();
    // The last attempt first: it is the one that may still run. Earlier ones ended, but may have left records.
    for (int attempt = attempts; attempt >= 1; attempt--) {
      AttemptBindings.Binding binding = AttemptBindings.of(job, status, attempt);
      if (binding.name() == null) {
        continue; // no record says where it ran (cannot happen for attempts this version recorded)
      }
      Optional<GpuProvider> provider = providerOf(binding);
      if (provider.isEmpty()) {
        if (boundConfig(binding).isEmpty()) {
          continue; // its ProviderConfig is gone, and its finalizer let every workload of it go first
        }
        return cleanupBlocked(job, attempt, "ProviderConfig " + binding.name() + " is not connected yet");
      }
      try {
        boolean current = status.getWorkload() == null || status.getWorkload().getAttempt() == attempt;
        provider.get().forget(WorkloadSpecs.key(job, attempt), current ? status.getExternalId() : null);
      } catch (ProviderException e) {
        return cleanupBlocked(job, attempt, e.getMessage());
      }
    }
    LOG.info("GpuJob {}/{}: deleted; {} attempt(s) let go", job.getMetadata().getNamespace(),
        job.getMetadata().getName(), attempts);
    acceptedAttempts.remove(uid);
    cleanupFailures.remove(uid);
    Optional<AttemptBindings.Binding> held = AttemptBindings.unreleased(jobWith(job, status));
    if (held.isPresent()) {
      providerConfigChanged.accept(held.get().name());
      queues.handOff(job, held.get().name());
    }
    return DeleteControl.defaultDelete();
  }

  /** The job's status as the API server has it now; the cached one if it cannot be read. */
  private static GpuJobStatus authoritativeStatus(GpuJob job, Context<GpuJob> context) {
    try {
      GpuJob fresh = context.getClient().resource(job).get();
      return fresh == null || fresh.getStatus() == null ? job.getStatus() : fresh.getStatus();
    } catch (KubernetesClientException e) {
      LOG.debug("GpuJob {}/{}: cannot read it fresh ({}); using the cache", job.getMetadata().getNamespace(),
          job.getMetadata().getName(), e.getCode());
      return job.getStatus();
    }
  }

  /** Keeps the job (its finalizer) and tries again with backoff; one Event, counted, however often it repeats. */
  private DeleteControl cleanupBlocked(GpuJob job, int attempt, String why) {
    int failures = cleanupFailures.merge(job.getMetadata().getUid(), 1, Integer::sum);
    Duration delay = timing.retryDelay(failures, ThreadLocalRandom.current().nextDouble());
    recorder.warning(job, JobReason.CLEANUP_BLOCKED.toString(), "cannot let go of attempt " + attempt + " yet: " + why
        + "; the job is kept until it can, so nothing of it leaks");
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay);
  }

  /** The provider's failure behind {@code e}: JOSDK hands over what the reconcile threw, wrapped or not. */
  private static Optional<ProviderException> providerFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProviderException failure) {
        return Optional.of(failure);
      }
    }
    return Optional.empty();
  }

  /**
   * A reconcile failed (a provider call, most often): only the Reconciling condition says so, with the failure's
   * reason; the phase and the other conditions keep their values.
   */
  @Override
  public ErrorStatusUpdateControl<GpuJob> updateErrorStatus(GpuJob failed, Context<GpuJob> context, Exception e) {
    // The reconcile may have written before it failed (an attempt's record before its submit): start from that.
    GpuJob job = context.getPrimaryCache().get(ResourceID.fromResource(failed)).orElse(failed);
    GpuJobStatus status = job.getStatus() == null ? new GpuJobStatus()
        : StatusCopies.deepCopy(job.getStatus());
    Optional<ProviderException> provider = providerFailure(e);
    String reason = provider.map(ProviderException::reason).orElse("ReconcileError");
    String message = "retrying: " + provider.map(Throwable::getMessage).orElse(e.getMessage());
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
    try {
      writer.write(job, status, context);
    } catch (KubernetesClientException writeFailure) {
      LOG.debug("GpuJob {}/{}: cannot record the failure: {}", job.getMetadata().getNamespace(),
          job.getMetadata().getName(), writeFailure.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
