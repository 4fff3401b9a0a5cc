package io.gpucompute.operator.leader;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica may act as the leader now: call providers, write status. It may while JOSDK's elector says it
 * leads and its last renewal of the Lease ({@link LeaseRenewals} reports them) began less than the renew deadline ago.
 * Another replica may take the Lease only once the (longer) lease duration has passed since that renewal, so a leader
 * that honours this never acts beside the next one, however long its own elector's requests hang.
 *
 * <p>When leadership ends without {@link #resign()} (the deadline passed, or the elector saw another holder), this
 * calls {@code onLost} once: {@code Main} halts the process at once, so no reconcile in flight writes anything more,
 * and Kubernetes restarts it as a follower. A watchdog checks the deadline every 100 ms.
 */
public final class Leadership implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
  private static final Duration WATCH_PERIOD = Duration.ofMillis(100);

  private final LeaseTiming timing;
  private final Clock clock;
  private final Consumer<String> onLost;
  private final RenewalLedger renewals = new RenewalLedger();
  private final AtomicBoolean lost = new AtomicBoolean();
  private final ScheduledExecutorService watchdog;
  private boolean leading;
  private boolean resigned;

  /** @param onLost told why, once, when leadership ends without {@link #resign()} */
  public Leadership(LeaseTiming timing, Clock clock, Consumer<String> onLost) {
    this.timing = timing;
    this.clock = clock;
    this.onLost = onLost;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "leadership-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    watchdog.scheduleAtFixedRate(this::checkDeadline, WATCH_PERIOD.toMillis(), WATCH_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Whether a replica may act as the leader at {@code now}: it leads, has not resigned, and renewed within the
   * deadline.
   */
  static boolean mayAct(boolean leading, boolean resigned, Instant renewedAt, Duration renewDeadline, Instant now) {
    return leading && !resigned && renewedAt != null && now.isBefore(renewedAt.plus(renewDeadline));
  }

  /** Whether this replica may act as the leader now. */
  public synchronized boolean confirmed() {
    return mayAct(leading, resigned, renewals.renewedAt(), timing.renewDeadline(), clock.instant());
  }

  /** The callbacks for JOSDK's leader election configuration. */
  public LeaderCallbacks callbacks() {
    return new LeaderCallbacks(this::startedLeading, this::stoppedLeading, leader -> {});
  }

  /** From now on this replica does not act, and it expects to stop leading (SIGTERM). */
  public synchronized void resign() {
    resigned = true;
  }

  /** The timings this guard and the elector share. */
  public LeaseTiming timing() {
    return timing;
  }

  synchronized void read(Instant at) {
    renewals.read(at);
  }

  synchronized void written() {
    renewals.written(leading, clock.instant());
  }

  private void startedLeading() {
    synchronized (this) {
      renewals.acquired(clock.instant());
      leading = true;
    }
    LOG.info("leading: this replica holds the Lease (renewed at {}); it acts until {} after each renewal",
        renewals.renewedAt(), timing.renewDeadline());
  }

  private void stoppedLeading() {
    boolean expected;
    synchronized (this) {
      expected = resigned || !leading;
      leading = false;
    }
    if (!expected) {
      lose("the leader elector stopped leading (another replica holds the Lease, or it could not renew it)");
    }
  }

  private void checkDeadline() {
    Instant renewedAt;
    boolean overdue;
    synchronized (this) {
      renewedAt = renewals.renewedAt();
      overdue = leading && !resigned && !mayAct(true, false, renewedAt, timing.renewDeadline(), clock.instant());
    }
    if (overdue) {
      lose("the Lease was last renewed at " + renewedAt + ", more than the renew deadline of "
          + timing.renewDeadline().toSeconds() + "s ago");
    }
  }

  private void lose(String why) {
    if (lost.compareAndSet(false, true)) {
      onLost.accept("lost leadership: " + why);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
