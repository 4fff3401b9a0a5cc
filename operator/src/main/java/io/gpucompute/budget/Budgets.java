package io.gpucompute.budget;

import io.gpucompute.admission.QueueEntry;
import io.gpucompute.api.v1alpha1.BudgetEnforcement;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.cost.Money;
import io.gpucompute.job.Admission;
import io.gpucompute.job.JobCache;
import io.gpucompute.job.JobQueueSnapshot;
import io.gpucompute.job.JobReason;
import io.gpucompute.kube.InformerSync;
import io.gpucompute.status.Timestamps;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The GpuBudgets as the operator knows them: the budget controller's cache of GpuBudgets, the GpuJob controller's cache
 * of GpuJobs ({@link JobCache}), and what the
 * jobs admitted a moment ago hold, which their statuses do not show yet. It answers the GpuJob reconciler's
 * {@link BudgetGate} questions from {@link BudgetCount} and {@link BudgetVerdicts}.
 *
 * <p>Admission in a namespace with budgets runs under that namespace's lock, so two reconcile threads never both
 * take the last dollar or GPU of a budget. The lock is taken before the admission queue's, never after.
 */
public final class Budgets implements BudgetGate {

  /** How long a hold of an admitted job is kept without its status showing it (a submit that failed, say). */
  static final Duration HOLD_TTL = Duration.ofMinutes(2);
  /** How long admission waits at start for the caches of budgets to fill. */
  static final Duration SYNC_WAIT = Duration.ofSeconds(30);

  /** What a job admitted a moment ago holds of the budgets (by uid) that covered it. */
  private record Admitted(String namespace, Set<String> budgetUids, Hold hold, Instant at) {}

  private final Map<String, Admitted> admitted = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private volatile ResourceCache<GpuBudget> budgets;
  private volatile JobCache jobs;

  /** From now on, reads budgets and jobs from these caches. */
  void use(ResourceCache<GpuBudget> budgetCache, JobCache jobCache) {
    this.budgets = budgetCache;
    this.jobs = jobCache;
  }

  @Override
  public Admission admit(GpuJob job, BigDecimal pricePerHour, Instant now, Supplier<Admission> queue) {
    String namespace = job.getMetadata().getNamespace();
    if (!awaitSynced()) {
      return new Admission.Waiting(1, JobReason.BUDGET_EXCEEDED, "the operator has not read the GpuBudgets yet");
    }
    if (budgets.list(namespace).findAny().isEmpty()) {
      return queue.get();
    }
    synchronized (locks.computeIfAbsent(namespace, n -> new Object())) {
      Map<String, BudgetedJob> namespaceJobs = jobsOf(namespace);
      BudgetedJob asking = BudgetedJob.of(job);
      forgetHeld(namespaceJobs, now);
      admitted.remove(asking.uid());
      List<Counted> covering = covering(namespace, asking, namespaceJobs, now);
      BudgetVerdicts.Start start = new BudgetVerdicts.Start(asking.gpuType(), asking.gpuCount(), pricePerHour,
          asking.deadlineSeconds(), asking.startTime());
      Optional<BudgetVerdicts.Refusal> refusal = BudgetVerdicts.toStart(uses(covering), start, now);
      if (refusal.isPresent()) {
        return new Admission.Waiting(placeAmongWaiting(job, namespace), refusal.get().reason(),
            refusal.get().message());
      }
      Admission admission = queue.get();
      if (admission instanceof Admission.Admitted && !covering.isEmpty()) {
        Hold hold = new Hold(asking.uid(), BigDecimal.ZERO, CostBounds.leftToSpend(pricePerHour,
            asking.deadlineSeconds(), asking.startTime(), now), asking.gpuType(), asking.gpuCount());
        admitted.put(asking.uid(), new Admitted(namespace, covering.stream().map(c -> c.budget().getMetadata()
            .getUid()).collect(Collectors.toSet()), hold, now));
      }
      return admission;
    }
  }

  @Override
  public Optional<BudgetVerdicts.Refusal> stop(GpuJob job, Instant now) {
    String namespace = job.getMetadata().getNamespace();
    ResourceCache<GpuBudget> cache = budgets;
    if (cache == null || cache.list(namespace).noneMatch(b -> b.getSpec().effectiveOnExceeded()
        == BudgetEnforcement.StopRunning)) {
      return Optional.empty();
    }
    Map<String, BudgetedJob> namespaceJobs = jobsOf(namespace);
    BudgetedJob running = namespaceJobs.getOrDefault(job.getMetadata().getUid(), BudgetedJob.of(job));
    return BudgetVerdicts.toKeepRunning(uses(covering(namespace, running, namespaceJobs, now)));
  }

  /** A budget with its count. */
  record Counted(GpuBudget budget, BudgetCount count) {}

  /** The count of {@code budget} now, with what jobs admitted a moment ago hold of it. */
  BudgetCount count(GpuBudget budget, Map<String, BudgetedJob> namespaceJobs, Instant now) {
    String uid = budget.getMetadata().getUid();
    List<Hold> holds = admitted.values().stream().filter(a -> a.budgetUids().contains(uid)).map(Admitted::hold)
        .toList();
    return BudgetCount.of(budget, namespaceJobs, holds, now);
  }

  /**
   * Every budget's figures now, for the metrics; empty until the caches are filled. Spend per person is the budget's
   * lines (what finished attempts cost) plus what the covered running attempts accrued.
   */
  public List<BudgetReport> reports(Instant now) {
    if (!synced()) {
      return List.of();
    }
    List<BudgetReport> reports = new ArrayList<>();
    Map<String, Map<String, BudgetedJob>> byNamespace = new HashMap<>();
    budgets.list().filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing((GpuBudget b) -> b.getMetadata().getNamespace())
            .thenComparing(b -> b.getMetadata().getName()))
        .forEach(budget -> {
          Map<String, BudgetedJob> jobs = byNamespace.computeIfAbsent(budget.getMetadata().getNamespace(),
              this::jobsOf);
          BudgetCount count = count(budget, jobs, now);
          Map<List<String>, BigDecimal> spend = new LinkedHashMap<>();
          count.settlement().users().forEach(line -> spend.merge(List.of(line.getUser(), line.getProvider()),
              Money.parseOrZero(line.getSpent()), BigDecimal::add));
          Instant created = Timestamps.parse(budget.getMetadata().getCreationTimestamp());
          jobs.values().stream().filter(job -> job.active() && BudgetCount.covers(budget, created, job))
              .forEach(job -> spend.merge(List.of(job.user(), job.provider()), job.running(), BigDecimal::add));
          BudgetUse use = count.use();
          reports.add(new BudgetReport(budget.getMetadata().getNamespace(), budget.getMetadata().getName(),
              use.limit(), use.used(), use.remaining(), spend.entrySet().stream()
                  .map(e -> new BudgetReport.Spend(e.getKey().get(0), e.getKey().get(1), e.getValue())).toList()));
        });
    return reports;
  }

  /** The budgets of {@code namespace} in the cache. */
  List<GpuBudget> budgetsOf(String namespace) {
    return budgets.list(namespace).toList();
  }

  /** Every job of {@code namespace} in the cache, by uid. */
  Map<String, BudgetedJob> jobsOf(String namespace) {
    Map<String, BudgetedJob> byUid = new LinkedHashMap<>();
    jobs.inNamespace(namespace).forEach(job -> byUid.put(job.getMetadata().getUid(), BudgetedJob.of(job)));
    return byUid;
  }

  /** The budgets of {@code namespace} that cover {@code job}, by name, each counted now. */
  private List<Counted> covering(String namespace, BudgetedJob job, Map<String, BudgetedJob> namespaceJobs,
      Instant now) {
    List<Counted> result = new ArrayList<>();
    budgets.list(namespace).filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing(b -> b.getMetadata().getName()))
        .filter(b -> BudgetCount.covers(b, Timestamps.parse(b.getMetadata().getCreationTimestamp()), job))
        .forEach(b -> result.add(new Counted(b, count(b, namespaceJobs, now))));
    return result;
  }

  private static List<BudgetUse> uses(List<Counted> counted) {
    return counted.stream().map(c -> c.count().use()).toList();
  }

  /**
   * Drops the holds that the cache now shows (the job holds its workload, so its count has it) or that no longer
   * apply: the job left the queue without running, or its hold is older than {@link #HOLD_TTL}.
   */
  private void forgetHeld(Map<String, BudgetedJob> namespaceJobs, Instant now) {
    admitted.entrySet().removeIf(e -> {
      BudgetedJob job = namespaceJobs.get(e.getKey());
      boolean shown = job != null && (job.active() || job.phase().isTerminal() || job.deleting());
      return shown || e.getValue().at().plus(HOLD_TTL).isBefore(now);
    });
  }

  /** The job's place among the namespace's jobs that wait for a budget, by priority then age; 1 is first. */
  private int placeAmongWaiting(GpuJob job, String namespace) {
    QueueEntry own = JobQueueSnapshot.entry(job);
    long ahead = jobs.inNamespace(namespace).filter(Budgets::waitsForBudget).map(JobQueueSnapshot::entry)
        .filter(e -> !e.id().equals(own.id()) && QueueEntry.ORDER.compare(e, own) < 0).count();
    return (int) ahead + 1;
  }

  /** Whether the job's status says it waits for a budget. */
  static boolean waitsForBudget(GpuJob job) {
    return JobQueueSnapshot.waitsForBudget(job);
  }

  /** Waits (a while, at start only) until both caches are filled; false if they are not. */
  private boolean awaitSynced() {
    Instant until = Instant.now().plus(SYNC_WAIT);
    while (!synced()) {
      if (Instant.now().isAfter(until)) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Whether the caches are set and filled. */
  boolean synced() {
    JobCache jobCache = jobs;
    return InformerSync.hasSynced(budgets) && jobCache != null && jobCache.synced();
  }

  /** For tests: the jobs whose admission holds budget now. */
  Set<String> holding() {
    return new HashSet<>(admitted.keySet());
  }
}
