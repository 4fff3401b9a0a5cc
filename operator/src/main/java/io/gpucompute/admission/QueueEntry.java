package io.gpucompute.admission;

import java.time.Instant;
import java.util.Comparator;

/**
 * A job as the queue sees it.
 *
 * @param id {@code namespace/name}
 * @param priority higher goes first
 * @param created creation time; older goes first among equals
 * @param gpuType the GPU type it needs
 * @param gpuCount how many
 */
public record QueueEntry(String id, int priority, Instant created, String gpuType, int gpuCount) {

  /** Queue order: highest priority, then oldest, then by id so the order is total. */
  public static final Comparator<QueueEntry> ORDER = Comparator.comparingInt(QueueEntry::priority).reversed()
      .thenComparing(QueueEntry::created, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(QueueEntry::id);
}
