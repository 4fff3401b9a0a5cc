package io.gpucompute.providerconfig;

import io.gpucompute.provider.ListedWorkload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which of a provider's listed workloads are orphans: their GpuJob (by uid) no longer exists, and they are older than
 * the grace period, which covers a job created a moment ago that the cache does not show yet. For a workload whose
 * creation time the provider does not report, the grace period counts from when the sweep first saw it without a
 * job. Pure.
 */
public final class OrphanRule {

  private OrphanRule() {}

  /**
   * @param listed what the provider lists for this installation
   * @param jobExists whether a GpuJob with the given uid exists
   * @param firstSeen when the sweep first saw a workload (by its name) without a job, for those the provider gives
   *     no creation time
   * @param now the clock
   * @param grace how old a workload must be before it may count as an orphan
   */
  public static List<ListedWorkload> orphans(List<ListedWorkload> listed, Predicate<String> jobExists,
      Function<String, Instant> firstSeen, Instant now, Duration grace) {
    return listed.stream()
        .filter(w -> !jobExists.test(w.key().uid()))
        .filter(w -> {
          Instant since = w.createdAt() != null ? w.createdAt() : firstSeen.apply(w.key().workloadName());
          return since != null && !since.plus(grace).isAfter(now);
        })
        .toList();
  }
}
