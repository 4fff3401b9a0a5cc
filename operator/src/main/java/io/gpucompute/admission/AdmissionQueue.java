package io.gpucompute.admission;

import io.gpucompute.job.Admission;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Admits waiting jobs to providers, one provider at a time.
 *
 * <p>The informer cache lags behind the operator's own status writes, in both directions:
 * <ul>
 *   <li>a job admitted a moment ago may still look waiting. The queue keeps a <em>reservation</em> for each job it
 *       admits until the cache shows that job holding a workload (or the job releases it), and counts reservations as
 *       running;</li>
 *   <li>a job that released its capacity a moment ago may still look active. The queue keeps a <em>release</em> for
 *       it until the cache shows it no longer active, and does not count it; so the job that a release wakes gets the
 *       freed GPUs at once, not at its next timed recheck.</li>
 * </ul>
 * Admission for one provider runs under that provider's lock, so two reconcile threads never both take the last slot.
 */
public final class AdmissionQueue {

  private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

  /** A snapshot of one provider's jobs, from the informer cache. */
  public record Snapshot(Collection<QueueEntry> waiting, Collection<QueueEntry> active, Capacity capacity) {}

  /** How long a plan answers the jobs that ask while nothing changed, at most. */
  static final Duration PLAN_REUSE = Duration.ofSeconds(1);

  /**
   * One provider's reservations and releases that the cache does not show yet, and its last plan. Guarded by
   * itself.
   */
  private static final class Ledger {
    final Set<String> reserved = new java.util.HashSet<>();
    final Set<String> released = new java.util.HashSet<>();
    /** Changes with every reservation or release this queue makes. */
    long version;
    Map<String, Admission> plan;
    long planFingerprint;
    long planVersion;
    Instant planAt;
  }

  /**
   * Asks whether the job {@code jobId} may start on provider {@code provider}; reserves capacity when it may.
   *
   * @param job the asking job, which must be in {@code snapshot.waiting()}
   */
  public Admission admit(String provider, QueueEntry job, Snapshot snapshot) {
    Ledger ledger = ledger(provider);
    synchronized (ledger) {
      Map<String, Admission> plan = plan(ledger, snapshot, job);
      Admission admission = plan.get(job.id());
      if (admission instanceof Admission.Admitted) {
        reserve(ledger, job.id());
      }
      return admission;
    }
  }

  private static void reserve(Ledger ledger, String jobId) {
    ledger.reserved.add(jobId);
    ledger.released.remove(jobId);
    ledger.version++;
  }

  /**
   * Like {@link #admit(String, QueueEntry, Snapshot)}, reusing the plan made for an earlier job when nothing changed
   * since (for at most {@link #PLAN_REUSE}): neither the jobs ({@code fingerprint} of the snapshot's jobs, such as
   * {@code JobQueueSnapshot.fingerprint}) nor this queue's reservations. Hundreds of queued jobs rechecking the queue
   * then cost one plan, not one each.
   *
   * @param snapshot made only when a plan is needed
   */
  public Admission admit(String provider, QueueEntry job, long fingerprint, Supplier<Snapshot> snapshot,
      Instant now) {
    Ledger ledger = ledger(provider);
    synchronized (ledger) {
      Map<String, Admission> plan = ledger.plan;
      boolean reusable = plan != null && ledger.planFingerprint == fingerprint && ledger.planVersion == ledger.version
          && !now.isBefore(ledger.planAt) && now.isBefore(ledger.planAt.plus(PLAN_REUSE))
          && plan.containsKey(job.id()) && !ledger.reserved.contains(job.id());
      if (!reusable) {
        plan = plan(ledger, snapshot.get(), job);
        ledger.plan = plan;
        ledger.planFingerprint = fingerprint;
        ledger.planVersion = ledger.version;
        ledger.planAt = now;
      }
      Admission admission = plan.get(job.id());
      if (admission instanceof Admission.Admitted) {
        reserve(ledger, job.id());
      }
      return admission;
    }
  }

  /**
   * The waiting jobs that would be admitted now, in queue order, without reserving anything: the ones to wake when
   * capacity was freed.
   */
  public List<String> admissible(String provider, Snapshot snapshot) {
    Ledger ledger = ledger(provider);
    synchronized (ledger) {
      Map<String, Admission> plan = plan(ledger, snapshot, null);
      return snapshot.waiting().stream().sorted(QueueEntry.ORDER).map(QueueEntry::id)
          .filter(id -> plan.get(id) instanceof Admission.Admitted && !ledger.reserved.contains(id)).toList();
    }
  }

  /** Drops the job's reservation: its submit was refused, or it was deleted. */
  public void release(String provider, String jobId) {
    Ledger ledger = ledgers.get(provider);
    if (ledger != null) {
      synchronized (ledger) {
        ledger.reserved.remove(jobId);
        ledger.version++;
      }
    }
  }

  /** Drops the job's reservations in every queue: it was deleted. */
  public void releaseEverywhere(String jobId) {
    ledgers.keySet().forEach(provider -> release(provider, jobId));
  }

  /**
   * Records that the job gave its capacity back (its workload ended and was released): until the cache shows it no
   * longer active, admission does not count it.
   */
  public void freed(String provider, String jobId) {
    Ledger ledger = ledger(provider);
    synchronized (ledger) {
      ledger.reserved.remove(jobId);
      ledger.released.add(jobId);
      ledger.version++;
    }
  }

  /** How many reservations a provider holds now (for tests and metrics). */
  public int reservations(String provider) {
    Ledger ledger = ledgers.get(provider);
    if (ledger == null) {
      return 0;
    }
    synchronized (ledger) {
      return ledger.reserved.size();
    }
  }

  private Ledger ledger(String provider) {
    return ledgers.computeIfAbsent(provider, p -> new Ledger());
  }

  /** The plan with the ledger applied; {@code asking} (or null) is added to the waiting jobs if the cache lacks it. */
  private static Map<String, Admission> plan(Ledger ledger, Snapshot snapshot, QueueEntry asking) {
    Set<String> activeIds = snapshot.active().stream().map(QueueEntry::id).collect(Collectors.toSet());
    Set<String> waitingIds = snapshot.waiting().stream().map(QueueEntry::id).collect(Collectors.toSet());
    String askingId = asking == null ? null : asking.id();
    // A reservation ends once the cache shows the job holding its workload, or the job has left the queue; a
    // release ends once the cache no longer shows the job active.
    ledger.reserved.removeIf(id -> activeIds.contains(id) || (!waitingIds.contains(id) && !id.equals(askingId)));
    ledger.released.removeIf(id -> !activeIds.contains(id));
    if (askingId != null) {
      ledger.reserved.remove(askingId);
    }
    List<QueueEntry> reserved = snapshot.waiting().stream().filter(e -> ledger.reserved.contains(e.id())).toList();
    List<QueueEntry> waiting = Stream.concat(
        snapshot.waiting().stream().filter(e -> !ledger.reserved.contains(e.id())),
        asking == null || waitingIds.contains(askingId) ? Stream.empty() : Stream.of(asking)).toList();
    List<QueueEntry> active = Stream.concat(
        snapshot.active().stream().filter(e -> !ledger.released.contains(e.id())), reserved.stream()).toList();
    return QueuePlanner.plan(waiting, active, snapshot.capacity());
  }
}
