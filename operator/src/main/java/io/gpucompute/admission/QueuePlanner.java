package io.gpucompute.admission;

import io.gpucompute.job.Admission;
import io.gpucompute.job.JobReason;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The admission rule, pure. Walks the waiting jobs in {@link QueueEntry#ORDER} and admits each one that fits
 * next to what already runs. A job that does not fit blocks the jobs behind it that need the same thing: all
 * of them when the provider is at {@code maxConcurrentJobs}, those of its GPU type when the GPUs are busy.
 * So a big job is never starved by smaller ones of its type, and an idle GPU type is never held up by another.
 */
public final class QueuePlanner {

  private QueuePlanner() {}

  /**
   * Plans the queue.
   *
   * @param waiting the jobs that want to start, in any order
   * @param active the jobs that hold capacity now (running, submitting, or admitted a moment ago)
   * @param capacity the provider's limits
   * @return the admission of every waiting job, by id
   */
  public static Map<String, Admission> plan(Collection<QueueEntry> waiting, Collection<QueueEntry> active, Capacity capacity) {
    if (everyoneFits(waiting, active, capacity)) {
      // The common case under a burst on a wide provider: no order to find, so no sort (the queue is planned for
      // each job that asks, so this keeps a burst linear).
      Map<String, Admission> plan = new HashMap<>();
      waiting.forEach(entry -> plan.put(entry.id(), ADMITTED));
      return plan;
    }
    return planInOrder(waiting, active, capacity);
  }

  private static final Admission ADMITTED = new Admission.Admitted();

  /**
   * Whether every waiting job fits next to the active ones, each counted as the queue would: then each is admitted,
   * whatever the order.
   */
  static boolean everyoneFits(Collection<QueueEntry> waiting, Collection<QueueEntry> active, Capacity capacity) {
    if (capacity.maxConcurrentJobs() != null && active.size() + waiting.size() > capacity.maxConcurrentJobs()) {
      return false;
    }
    if (capacity.gpusByType().isEmpty()) {
      return true;
    }
    Map<String, Integer> demand = new HashMap<>();
    for (QueueEntry entry : active) {
      demand.merge(key(entry.gpuType()), entry.gpuCount(), Integer::sum);
    }
    for (QueueEntry entry : waiting) {
      Integer inventory = capacity.gpus(entry.gpuType());
      if (inventory != null && entry.gpuCount() <= inventory) {
        demand.merge(key(entry.gpuType()), entry.gpuCount(), Integer::sum);
      }
    }
    return demand.entrySet().stream().allMatch(d -> {
      Integer inventory = capacity.gpus(d.getKey());
      return inventory == null || d.getValue() <= inventory;
    });
  }

  /** The plan, walking the queue in order: the general case, and the one {@link #plan} must always agree with. */
  static Map<String, Admission> planInOrder(Collection<QueueEntry> waiting, Collection<QueueEntry> active,
      Capacity capacity) {
    int running = active.size();
    Map<String, Integer> gpusInUse = new HashMap<>();
    for (QueueEntry entry : active) {
      gpusInUse.merge(key(entry.gpuType()), entry.gpuCount(), Integer::sum);
    }
    Set<String> blockedTypes = new HashSet<>();
    boolean full = false;
    Map<String, Admission> plan = new HashMap<>();
    int position = 0;
    for (QueueEntry entry : waiting.stream().sorted(QueueEntry.ORDER).toList()) {
      String type = key(entry.gpuType());
      Integer inventory = capacity.gpus(type);
      int inUse = gpusInUse.getOrDefault(type, 0);
      full = full || (capacity.maxConcurrentJobs() != null && running >= capacity.maxConcurrentJobs());
      // A job that needs more GPUs than exist is let through: the provider refuses it with a reason that
      // stalls it, instead of it waiting forever at the head of its type.
      boolean impossible = inventory != null && entry.gpuCount() > inventory;
      boolean gpusFree = inventory == null || impossible || inUse + entry.gpuCount() <= inventory;
      if (!full && gpusFree && !blockedTypes.contains(type)) {
        plan.put(entry.id(), new Admission.Admitted());
        if (!impossible) {
          running++;
          gpusInUse.merge(type, entry.gpuCount(), Integer::sum);
        }
        continue;
      }
      position++;
      if (full) {
        plan.put(entry.id(), new Admission.Waiting(position, JobReason.PROVIDER_AT_CAPACITY,
            "the provider runs its maxConcurrentJobs (" + capacity.maxConcurrentJobs() + "); place " + position + " in the queue"));
      } else {
        blockedTypes.add(type);
        plan.put(entry.id(), new Admission.Waiting(position, JobReason.GPUS_BUSY, "waiting for " + entry.gpuCount() + " "
            + entry.gpuType() + " GPU(s): " + Math.max(0, inventory == null ? 0 : inventory - inUse) + " of "
            + inventory + " free; place " + position + " in the queue"));
      }
    }
    return plan;
  }

  private static String key(String type) {
    return type.toUpperCase(Locale.ROOT);
  }
}
