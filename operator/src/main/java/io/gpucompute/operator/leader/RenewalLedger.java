package io.gpucompute.operator.leader;

import java.time.Instant;

/**
 * When this replica last renewed its Lease, counted conservatively from what its own client sent.
 *
 * <p>The leader elector reads the Lease, then writes it with a renew time taken just before that read. Other replicas
 * may take the Lease once the lease duration has passed since that renew time. So a renewal counts from the first read
 * since the previous successful write: after failed tries, from the first of them (earlier than the renew time that
 * was finally written, so the deadline only comes sooner). The write that acquires the Lease counts from the read just
 * before it, since the reads of a replica that waited for the Lease renewed nothing. Not thread-safe: {@link
 * Leadership} guards it.
 */
final class RenewalLedger {

  private Instant lastRead;
  private Instant firstUnconfirmedRead;
  private Instant renewedAt;

  /** The elector sent a read of the Lease at {@code at}. */
  void read(Instant at) {
    lastRead = at;
    if (firstUnconfirmedRead == null) {
      firstUnconfirmedRead = at;
    }
  }

  /** A write of the Lease succeeded (the elector acquired or renewed it); {@code leading} as known at that moment. */
  void written(boolean leading, Instant now) {
    Instant since = leading && firstUnconfirmedRead != null ? firstUnconfirmedRead : lastRead;
    renewedAt = since != null ? since : now;
    firstUnconfirmedRead = null;
  }

  /** The elector acquired the Lease with its latest read and write. */
  void acquired(Instant now) {
    renewedAt = lastRead != null ? lastRead : now;
    firstUnconfirmedRead = null;
  }

  /** The start of the last renewal, or null before the first. */
  Instant renewedAt() {
    return renewedAt;
  }
}
