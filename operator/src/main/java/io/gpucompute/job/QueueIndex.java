package io.gpucompute.job;

import io.gpucompute.admission.QueueEntry;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queues of the ProviderConfigs, kept in queue order as the GpuJob cache changes, so that admission reads one
 * queue without going through every cached job, and knows when a queue last changed without comparing its jobs.
 *
 * <p>A job is filed under the keys of {@link JobCandidates#queueKeys} (a ProviderConfig's name, or
 * {@link JobCandidates#ANY}): as <em>active</em> while it holds capacity (an unreleased workload), as
 * <em>waiting</em> while it may want to start (see {@link #wantsAPlace}). What depends on the clock or on other
 * objects (a job's {@code retryAfter}, whether the ProviderConfig allows its namespace or offers its GPU type) is left
 * to the reader.
 *
 * <p>The cache's store reports each change ({@link #stored}, {@link #removed}) on the informer's thread; readers copy a
 * queue under its own lock. Each queue has a version that changes whenever a job enters or leaves it, or changes
 * anything the queue orders or filters it by; a status write that changes none of that (a message, a queue position)
 * keeps the version.
 */
final class QueueIndex implements GpuJobItemStore.Listener {

  /**
   * A job filed in a queue.
   *
   * @param entry the job as the queue orders it
   * @param job the cached object, as last stored
   * @param retryAfter when the job may ask again, or null for now
   */
  record Member(QueueEntry entry, GpuJob job, Instant retryAfter) {}

  /**
   * One queue's jobs at one moment.
   *
   * @param version changes whenever the queue's membership does
   * @param waiting the jobs that may want to start, in queue order
   * @param active the jobs holding capacity
   */
  record Contents(long version, List<Member> waiting, List<Member> active) {}

  /** Where and as what a job is filed; a change of filing changes its queues' versions. */
  private record Filing(List<String> keys, boolean active, QueueEntry entry, Instant retryAfter, Long generation) {}

  /** One key's jobs; guarded by itself. */
  private static final class Lane {
    final TreeMap<QueueEntry, Member> waiting = new TreeMap<>(QueueEntry.ORDER);
    final Map<String, Member> active = new HashMap<>();
    long version;
  }

  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  /** Each filed job's filing, by {@code namespace/name}; written under this index's lock. */
  private final Map<String, Filing> filings = new HashMap<>();
  /** Hands out versions, so that a version is never reused, even by another lane. */
  private final AtomicLong versions = new AtomicLong();

  /** Files {@code job} as the cache now holds it. */
  @Override
  public void stored(GpuJob before, GpuJob job) {
    stored(job);
  }

  /** Files {@code job} as the cache now holds it. */
  synchronized void stored(GpuJob job) {
    String id = JobQueueSnapshot.id(job);
    Filing before = filings.get(id);
    Filing now = filing(job);
    if (before != null && before.equals(now)) {
      for (String key : now.keys()) {
        Lane lane = lane(key);
        synchronized (lane) {
          put(lane, id, now, job);
        }
      }
      return;
    }
    if (before != null) {
      unfile(id, before);
    }
    if (now != null) {
      for (String key : now.keys()) {
        Lane lane = lane(key);
        synchronized (lane) {
          put(lane, id, now, job);
          lane.version = versions.incrementAndGet();
        }
      }
      filings.put(id, now);
    }
  }

  /** Takes {@code job} out of its queues: the cache dropped it. */
  @Override
  public synchronized void removed(GpuJob job) {
    String id = JobQueueSnapshot.id(job);
    Filing before = filings.get(id);
    if (before != null) {
      unfile(id, before);
    }
  }

  /** The queue filed under {@code key} now. */
  Contents contents(String key) {
    Lane lane = lanes.get(key);
    if (lane == null) {
      return new Contents(0, List.of(), List.of());
    }
    synchronized (lane) {
      return new Contents(lane.version, new ArrayList<>(lane.waiting.values()), new ArrayList<>(lane.active.values()));
    }
  }

  private void unfile(String id, Filing filing) {
    for (String key : filing.keys()) {
      Lane lane = lane(key);
      synchronized (lane) {
        if (filing.active()) {
          lane.active.remove(id);
        } else {
          lane.waiting.remove(filing.entry());
        }
        lane.version = versions.incrementAndGet();
      }
    }
    filings.remove(id);
  }

  private static void put(Lane lane, String id, Filing filing, GpuJob job) {
    Member member = new Member(filing.entry(), job, filing.retryAfter());
    if (filing.active()) {
      lane.active.put(id, member);
    } else {
      lane.waiting.put(filing.entry(), member);
    }
  }

  private Lane lane(String key) {
    return lanes.computeIfAbsent(key, k -> new Lane());
  }

  /** How {@code job} is filed, or null when it is in no queue. */
  private static Filing filing(GpuJob job) {
    if (job.getSpec() == null || job.getSpec().getGpu() == null) {
      return null;
    }
    boolean active = JobQueueSnapshot.isActive(job);
    if (!active && !wantsAPlace(job)) {
      return null;
    }
    Instant retryAfter = active || job.getStatus() == null ? null : Timestamps.parse(job.getStatus().getRetryAfter());
    return new Filing(JobCandidates.queueKeys(job), active, JobQueueSnapshot.entry(job), retryAfter,
        job.getMetadata().getGeneration());
  }

  /**
   * Whether a job that holds no capacity may want a place in a queue, as far as it alone tells: not suspended, not
   * being deleted, new or Pending or Queued, not stalled, not waiting for a GpuBudget. Whether it may ask now
   * ({@code retryAfter}) is the reader's to check.
   */
  static boolean wantsAPlace(GpuJob job) {
    if (job.getSpec().suspended() || job.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (job.getStatus() == null || job.getStatus().getPhase() == null) {
      return true;
    }
    JobPhase phase = job.getStatus().getPhase();
    return (phase == JobPhase.Pending || phase == JobPhase.Queued)
        && !Conditions.isTrue(job.getStatus().getConditions(), JobCondition.STALLED)
        && !JobQueueSnapshot.waitsForBudget(job);
  }

  /** The version of the queue filed under {@code key}: it changes whenever the queue's membership does. */
  long version(String key) {
    Lane lane = lanes.get(key);
    if (lane == null) {
      return 0;
    }
    synchronized (lane) {
      return lane.version;
    }
  }

  /** How many jobs are filed. */
  synchronized int size() {
    return filings.size();
  }
}
