package io.gpucompute.operator.leader;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;

/**
 * The timings of the leader-election Lease, shared by JOSDK's leader elector and {@link Leadership}.
 *
 * @param leaseDuration how long after its last renewal another replica may take the Lease
 * @param renewDeadline how long the leader may go without renewing before it stops acting; shorter than
 *     {@code leaseDuration}, so the leader has stopped before anyone else may start
 * @param retryPeriod how often the elector tries to renew (the leader) or to acquire (the others)
 */
public record LeaseTiming(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

  /** JOSDK's defaults: 15 s, 10 s, 2 s. */
  public static final LeaseTiming DEFAULT = new LeaseTiming(LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
      LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);

  public LeaseTiming {
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("the renew deadline (" + renewDeadline + ") must be shorter than the lease "
          + "duration (" + leaseDuration + ")");
    }
  }
}
