package io.gpucompute.admission;

import io.gpucompute.job.Admission;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Admits waiting jobs to providers, one provider at a time.
 *
 * <p>The informer cache lags behind the operator's own status writes, so a job admitted a moment ago may
 * still look waiting in it. The queue therefore keeps a reservation for each job it admits until the cache
 * shows that job holding a workload (or the job releases it), and counts reservations as running. Admission
 * for one provider runs under that provider's lock, so two reconcile threads never both take the last slot.
 */
public final class AdmissionQueue {

  private final Map<String, Set<String>> reservationsByProvider = new ConcurrentHashMap<>();

  /** A snapshot of one provider's jobs, from the informer cache. */
  public record Snapshot(Collection<QueueEntry> waiting, Collection<QueueEntry> active, Capacity capacity) {}

  /**
   * Asks whether the job {@code jobId} may start on provider {@code provider}; reserves capacity when it may.
   *
   * @param job the asking job, which must be in {@code snapshot.waiting()}
   */
  public Admission admit(String provider, QueueEntry job, Snapshot snapshot) {
    Set<String> reservations = reservationsByProvider.computeIfAbsent(provider, p -> ConcurrentHashMap.newKeySet());
    synchronized (reservations) {
      Set<String> activeIds = snapshot.active().stream().map(QueueEntry::id).collect(Collectors.toSet());
      Set<String> waitingIds = snapshot.waiting().stream().map(QueueEntry::id).collect(Collectors.toSet());
      // A reservation ends once the cache shows the job holding its workload, or the job has left the queue.
      reservations.removeIf(id -> activeIds.contains(id) || (!waitingIds.contains(id) && !id.equals(job.id())));
      reservations.remove(job.id());
      List<QueueEntry> reserved = snapshot.waiting().stream().filter(e -> reservations.contains(e.id())).toList();
      List<QueueEntry> waiting = Stream.concat(snapshot.waiting().stream().filter(e -> !reservations.contains(e.id())),
          snapshot.waiting().stream().anyMatch(e -> e.id().equals(job.id())) ? Stream.empty() : Stream.of(job)).toList();
      List<QueueEntry> active = Stream.concat(snapshot.active().stream(), reserved.stream()).toList();
      Admission admission = QueuePlanner.plan(waiting, active, snapshot.capacity()).get(job.id());
      if (admission instanceof Admission.Admitted) {
        reservations.add(job.id());
      }
      return admission;
    }
  }

  /** Drops the job's reservation: its submit was refused, or it was deleted. */
  public void release(String provider, String jobId) {
    Set<String> reservations = reservationsByProvider.get(provider);
    if (reservations != null) {
      synchronized (reservations) {
        reservations.remove(jobId);
      }
    }
  }

  /** How many reservations a provider holds now (for tests and metrics). */
  public int reservations(String provider) {
    Set<String> reservations = reservationsByProvider.get(provider);
    return reservations == null ? 0 : reservations.size();
  }
}
