package io.gpucompute.budget;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.BudgetSettlement;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuBudgetStatus;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.job.GpuJobItemStore;
import io.gpucompute.job.JobCache;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.Timestamps;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles GpuBudgets: counts the covered jobs ({@link BudgetCount}), writes the status, then the jobs' records of
 * what was counted ({@link Settlement} says why in that order), keeps a finalizer on covered jobs until their cost is
 * counted, and wakes the jobs that wait for the budget when it changes. It reads the GpuJob controller's cache
 * ({@link JobCache}): each change there that matters to budgets reconciles the budgets of the job's namespace; a budget
 * also wakes at the end of its period.
 */
@ControllerConfiguration(name = GpuBudgetReconciler.NAME)
@MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES)
public class GpuBudgetReconciler implements Reconciler<GpuBudget>, Cleaner<GpuBudget> {

  public static final String NAME = "gpubudget";
  private static final Logger LOG = LoggerFactory.getLogger(GpuBudgetReconciler.class);
  /** How soon to count again when a write found its object changed, or records are still to be written. */
  private static final Duration AGAIN_SOON = Duration.ofMillis(500);

  private final Budgets budgets;
  private final EventRecorder recorder;
  private final Clock clock;
  private final Consumer<ResourceID> wakeJob;
  /** What admission last saw of each budget (by uid), so waiting jobs are woken only when it changes. */
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
  private final JobCache jobs;
  private volatile JobRecords records;

  /**
   * @param wakeJob asks the GpuJob reconciler to look at a job again now (a job waiting for a budget that changed)
   * @param jobs the GpuJob controller's cache, which this controller reads and follows
   */
  public GpuBudgetReconciler(Budgets budgets, EventRecorder recorder, Clock clock, Consumer<ResourceID> wakeJob,
      JobCache jobs) {
    this.budgets = budgets;
    this.recorder = recorder;
    this.clock = clock;
    this.wakeJob = wakeJob;
    this.jobs = jobs;
  }

  @Override
  public List<EventSource<?, GpuBudget>> prepareEventSources(EventSourceContext<GpuBudget> context) {
    var primary = context.getPrimaryCache();
    var jobChanges = new SimpleInboundEventSource<GpuBudget>("budget-jobs");
    jobs.listen(new GpuJobItemStore.Listener() {
      @Override
      public void stored(GpuJob before, GpuJob now) {
        if (before == null || mattersToBudgets(now, before)) {
          budgetsOf(now);
        }
      }

      @Override
      public void removed(GpuJob gone) {
        budgetsOf(gone);
      }

      private void budgetsOf(GpuJob job) {
        primary.list(job.getMetadata().getNamespace())
            .forEach(budget -> jobChanges.propagateEvent(ResourceID.fromResource(budget)));
      }
    });
    records = new JobRecords(context.getClient());
    budgets.use(primary, jobs);
    return List.of(jobChanges);
  }

  /** Whether a job's update can change a budget: its cost, its hold, its labels, its records or its finalizers. */
  static boolean mattersToBudgets(GpuJob now, GpuJob before) {
    return !BudgetedJob.of(now).equals(BudgetedJob.of(before))
        || !Objects.equals(now.getMetadata().getFinalizers(), before.getMetadata().getFinalizers())
        || Budgets.waitsForBudget(now) != Budgets.waitsForBudget(before);
  }

  @Override
  public UpdateControl<GpuBudget> reconcile(GpuBudget budget, Context<GpuBudget> context) {
    if (!budgets.synced()) {
      // The GpuJob controller's cache is still reading its list: a count now would miss jobs.
      return UpdateControl.<GpuBudget>noUpdate().rescheduleAfter(AGAIN_SOON);
    }
    Instant now = clock.instant();
    String namespace = budget.getMetadata().getNamespace();
    Map<String, BudgetedJob> namespaceJobs = budgets.jobsOf(namespace);
    BudgetCount count = budgets.count(budget, namespaceJobs, now);
    GpuBudgetStatus status = BudgetStatuses.of(budget, count, now);
    GpuBudget current = budget;
    if (!status.equals(budget.getStatus())) {
      Optional<GpuBudget> written = writeStatus(budget, status, context);
      if (written.isEmpty()) {
        return UpdateControl.<GpuBudget>noUpdate().rescheduleAfter(AGAIN_SOON);
      }
      current = written.get();
      announce(budget, count, status);
    }
    boolean pending = writeRecords(current, count, namespaceJobs);
    pending |= releaseSettledJobs(current, namespace);
    pending |= holdCoveredJobs(current, namespace);
    wakeWaitingJobs(current, count, namespace);
    Duration next = pending || count.settlement().deferred() > 0 ? AGAIN_SOON : untilPeriodEnds(count, now);
    return next == null ? UpdateControl.noUpdate() : UpdateControl.<GpuBudget>noUpdate().rescheduleAfter(next);
  }

  /** One PUT of the status on the resourceVersion read; empty when the budget changed since (nothing written). */
  private Optional<GpuBudget> writeStatus(GpuBudget read, GpuBudgetStatus status, Context<GpuBudget> context) {
    GpuBudget body = new GpuBudget();
    body.setMetadata(new ObjectMetaBuilder(read.getMetadata()).build());
    body.getMetadata().setManagedFields(null);
    body.setSpec(read.getSpec());
    body.setStatus(status);
    try {
      GpuBudget written = context.getClient().resource(body).updateStatus();
      context.eventSourceRetriever().getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(read), written, read);
      return Optional.of(written);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Events for a new period and for reaching the limit. */
  private void announce(GpuBudget budget, BudgetCount count, GpuBudgetStatus status) {
    if (count.newPeriod()) {
      recorder.normal(budget, BudgetReason.PERIOD_STARTED, "a new period began "
          + Timestamps.format(count.window().start()) + ": the count starts again at zero");
    }
    boolean wasExceeded = budget.getStatus() != null
        && Conditions.isTrue(budget.getStatus().getConditions(), BudgetCondition.EXCEEDED);
    if (count.use().exceeded() && !wasExceeded) {
      recorder.warning(budget, BudgetReason.LIMIT_REACHED, Conditions.find(status.getConditions(),
          BudgetCondition.EXCEEDED).map(c -> c.getMessage()).orElse(""));
    }
  }

  /**
   * Writes into each job of the budget's ledger its record of what the budget counted (step 2 of a settle).
   *
   * @return whether some record could not be written yet
   */
  private boolean writeRecords(GpuBudget budget, BudgetCount count, Map<String, BudgetedJob> namespaceJobs) {
    String uid = budget.getMetadata().getUid();
    Map<String, BudgetCharge> marks = Settlement.marksToWrite(budget.getMetadata().getName(), uid,
        budget.getStatus().getSettlements(), namespaceJobs, count.window().start());
    Set<String> existing = budgetUids(budget.getMetadata().getNamespace());
    boolean pending = false;
    for (Map.Entry<String, BudgetCharge> mark : marks.entrySet()) {
      Optional<GpuJob> job = jobByUid(budget.getMetadata().getNamespace(), mark.getKey());
      if (job.isEmpty() || job.get().getStatus() == null) {
        continue;
      }
      if (records.mark(job.get(), mark.getValue(), existing::contains).isEmpty()) {
        pending = true;
      }
    }
    return pending;
  }

  /**
   * Lets go of the jobs being deleted whose cost every budget that covers them has counted (by its ledger or the
   * job's record), and of those no budget covers, once the GpuJob controller has let go of them (their status is
   * final then).
   *
   * @return whether a job could not be let go of yet
   */
  private boolean releaseSettledJobs(GpuBudget budget, String namespace) {
    List<GpuBudget> all = liveBudgets(namespace);
    boolean pending = false;
    for (GpuJob job : jobs.inNamespace(namespace).filter(j -> j.getMetadata().getDeletionTimestamp() != null
        && JobRecords.held(j) && JobRecords.releasedByJobController(j)).toList()) {
      BudgetedJob view = BudgetedJob.of(job);
      boolean settled = all.stream().filter(b -> BudgetCount.covers(b, created(b), view))
          .allMatch(b -> Settlement.isSettled(b.getMetadata().getUid(), view, ledgerOf(b, budget)));
      if (settled && records.finalizer(job, false).isEmpty()) {
        pending = true;
      }
    }
    return pending;
  }

  /**
   * Puts the finalizer on the jobs this budget covers, so none goes before its cost is counted.
   *
   * @return whether a job could not be held yet
   */
  private boolean holdCoveredJobs(GpuBudget budget, String namespace) {
    Instant created = created(budget);
    boolean pending = false;
    for (GpuJob job : jobs.inNamespace(namespace).filter(j -> j.getMetadata().getDeletionTimestamp() == null
        && !JobRecords.held(j)).toList()) {
      if (BudgetCount.covers(budget, created, BudgetedJob.of(job)) && records.finalizer(job, true).isEmpty()) {
        pending = true;
      }
    }
    return pending;
  }

  /**
   * Wakes the jobs that wait for this budget when what admission sees of it changed, and its running jobs when it
   * stops them.
   */
  private void wakeWaitingJobs(GpuBudget budget, BudgetCount count, String namespace) {
    BudgetUse use = count.use();
    String seen = use.limit() + "|" + use.remaining() + "|" + use.gpusInUse() + "|" + use.gpuLimits() + "|"
        + count.window().start() + "|" + budget.getSpec().getJobLabels();
    boolean changed = !seen.equals(lastSeen.put(budget.getMetadata().getUid(), seen));
    Instant created = created(budget);
    jobs.inNamespace(namespace).filter(j -> BudgetCount.covers(budget, created, BudgetedJob.of(j))).forEach(job -> {
      boolean stopNow = use.stopsRunning() && use.exceeded() && BudgetedJob.of(job).active();
      if ((changed && Budgets.waitsForBudget(job)) || stopNow) {
        wakeJob.accept(ResourceID.fromResource(job));
      }
    });
  }

  private static Duration untilPeriodEnds(BudgetCount count, Instant now) {
    Instant end = count.window().end();
    if (end == null) {
      return null;
    }
    Duration left = Duration.between(now, end);
    return left.isNegative() ? AGAIN_SOON : left.plusSeconds(1);
  }

  /**
   * A budget goes: the jobs that no other budget covers lose the finalizer, and the jobs that waited for it are
   * woken (they may start now).
   */
  @Override
  public DeleteControl cleanup(GpuBudget budget, Context<GpuBudget> context) {
    if (!budgets.synced()) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(AGAIN_SOON);
    }
    String namespace = budget.getMetadata().getNamespace();
    lastSeen.remove(budget.getMetadata().getUid());
    List<GpuBudget> others = liveBudgets(namespace).stream()
        .filter(b -> !b.getMetadata().getUid().equals(budget.getMetadata().getUid())).toList();
    boolean pending = false;
    for (GpuJob job : jobs.inNamespace(namespace).filter(JobRecords::held).toList()) {
      BudgetedJob view = BudgetedJob.of(job);
      boolean coveredElsewhere = others.stream().anyMatch(b -> BudgetCount.covers(b, created(b), view));
      if (!coveredElsewhere && records.finalizer(job, false).isEmpty()) {
        pending = true;
      }
      if (Budgets.waitsForBudget(job)) {
        wakeJob.accept(ResourceID.fromResource(job));
      }
    }
    if (pending) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(AGAIN_SOON);
    }
    LOG.info("GpuBudget {}/{}: deleted", namespace, budget.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  private List<GpuBudget> liveBudgets(String namespace) {
    return budgets.budgetsOf(namespace).stream().filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private Set<String> budgetUids(String namespace) {
    return budgets.budgetsOf(namespace).stream().map(b -> b.getMetadata().getUid()).collect(Collectors.toSet());
  }

  /** The ledger of {@code budget}: the one just written for the budget being reconciled, else the cached one. */
  private static List<BudgetSettlement> ledgerOf(GpuBudget budget, GpuBudget reconciled) {
    GpuBudget source = budget.getMetadata().getUid().equals(reconciled.getMetadata().getUid()) ? reconciled : budget;
    return source.getStatus() == null || source.getStatus().getSettlements() == null ? List.of()
        : source.getStatus().getSettlements();
  }

  private Optional<GpuJob> jobByUid(String namespace, String uid) {
    return jobs.inNamespace(namespace).filter(j -> uid.equals(j.getMetadata().getUid())).findFirst();
  }

  private static Instant created(GpuBudget budget) {
    return Timestamps.parse(budget.getMetadata().getCreationTimestamp());
  }
}
