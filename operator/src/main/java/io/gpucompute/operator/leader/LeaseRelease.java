package io.gpucompute.operator.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Gives the Lease up when this replica holds it, as fabric8's {@code LeaderElector.release()} does: no holder, a
 * lease duration of 1 s. The next replica's elector takes it at its next try (within the retry period) instead of
 * waiting for the lease duration. JOSDK never releases (it cancels its elector without release, so that it always
 * hears that leadership stopped), so {@code Main} does this at SIGTERM, after reconciling has stopped.
 */
public final class LeaseRelease {

  private LeaseRelease() {}

  /**
   * Releases Lease {@code namespace/name} if {@code identity} holds it; returns whether it did. The write carries the
   * resourceVersion just read, so it never clears a holder that changed in between.
   */
  public static boolean release(KubernetesClient client, String namespace, String name, String identity) {
    LeaseLock lock = new LeaseLock(namespace, name, identity);
    LeaderElectionRecord current = lock.get(client);
    if (current == null || !identity.equals(current.getHolderIdentity())) {
      return false;
    }
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    lock.update(client, new LeaderElectionRecord(null, Duration.ofSeconds(1), now, now,
        current.getLeaderTransitions()));
    return true;
  }
}
