package io.gpucompute.providerconfig;

import io.gpucompute.api.v1alpha1.OrphanPolicy;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic orphan sweep of each ProviderConfig: lists what this installation created at the provider, and deletes
 * (or, with {@code spec.orphanPolicy: Report}, reports) the workloads whose GpuJob no longer exists, after a grace
 * period. Each sweep that finds something records one Event on the ProviderConfig and counts in the metrics.
 */
public final class OrphanSweeper {

  /** Told of what each sweep found and deleted. */
  public interface Metrics {
    Metrics NONE = (provider, found, deleted) -> {};

    void swept(String provider, int found, int deleted);
  }

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);
  private static final int NAMED_IN_EVENT = 10;

  private final String installation;
  private final ProviderConfigJobs jobs;
  private final EventRecorder recorder;
  private final Clock clock;
  private final Duration interval;
  private final Duration grace;
  private final Metrics metrics;
  private final Map<String, Instant> lastSweep = new ConcurrentHashMap<>();
  /** By ProviderConfig uid: when each workload without a job was first seen so, for those without a creation time. */
  private final Map<String, Map<String, Instant>> firstSeen = new ConcurrentHashMap<>();

  /**
   * @param installation this installation's id, which its workloads are tagged with
   * @param interval how often each ProviderConfig is swept
   * @param grace how old an orphan must be before it is touched
   */
  public OrphanSweeper(String installation, ProviderConfigJobs jobs, EventRecorder recorder, Clock clock,
      Duration interval, Duration grace, Metrics metrics) {
    this.installation = installation;
    this.jobs = jobs;
    this.recorder = recorder;
    this.clock = clock;
    this.interval = interval;
    this.grace = grace;
    this.metrics = metrics;
  }

  /** Sweeps {@code config} if its last sweep is older than the interval. Never throws; a failed list waits. */
  public void sweepIfDue(ProviderConfig config, GpuProvider provider) {
    String uid = config.getMetadata().getUid();
    Instant now = clock.instant();
    Instant last = lastSweep.get(uid);
    if (!jobs.synced() || (last != null && now.isBefore(last.plus(interval)))) {
      return;
    }
    lastSweep.put(uid, now);
    String label = config.getSpec().getType() + "/" + config.getMetadata().getName();
    Optional<List<ListedWorkload>> listed;
    try {
      listed = provider.listWorkloads(installation);
    } catch (ProviderException e) {
      LOG.info("ProviderConfig {}: orphan sweep skipped, listing failed: {}", config.getMetadata().getName(),
          e.getMessage());
      return;
    }
    if (listed.isEmpty()) {
      return;
    }
    Map<String, Instant> seen = firstSeen.computeIfAbsent(uid, u -> new ConcurrentHashMap<>());
    Set<String> jobless = new java.util.HashSet<>();
    for (ListedWorkload workload : listed.get()) {
      if (!jobs.exists(workload.key().uid())) {
        jobless.add(workload.key().workloadName());
        seen.putIfAbsent(workload.key().workloadName(), now);
      }
    }
    seen.keySet().retainAll(jobless);
    List<ListedWorkload> orphans = OrphanRule.orphans(listed.get(), jobs::exists, seen::get, now, grace);
    if (orphans.isEmpty()) {
      metrics.swept(label, 0, 0);
      return;
    }
    boolean delete = config.getSpec().getOrphanPolicy() != OrphanPolicy.Report;
    List<String> deleted = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (ListedWorkload orphan : orphans) {
      String name = orphan.key().workloadName() + (orphan.externalId() == null ? "" : " (" + orphan.externalId() + ")");
      if (!delete) {
        continue;
      }
      try {
        provider.forget(orphan.key(), orphan.externalId());
        deleted.add(name);
      } catch (ProviderException e) {
        failed.add(name + ": " + e.getMessage());
      }
    }
    metrics.swept(label, orphans.size(), deleted.size());
    List<String> names = orphans.stream().map(o -> o.key().workloadName()).toList();
    String message = orphans.size() + " workload(s) of this installation whose GpuJob no longer exists: "
        + String.join(", ", names.subList(0, Math.min(NAMED_IN_EVENT, names.size())))
        + (names.size() > NAMED_IN_EVENT ? " and " + (names.size() - NAMED_IN_EVENT) + " more" : "")
        + (delete ? "; deleted " + deleted.size() + (failed.isEmpty() ? "" : ", failed " + failed.size() + " (retried at "
            + "the next sweep): " + failed.get(0)) : "; left alone (spec.orphanPolicy is Report)");
    LOG.warn("ProviderConfig {}: orphan sweep found {}", config.getMetadata().getName(), message);
    recorder.warning(config, delete ? "OrphansDeleted" : "OrphansFound", message);
  }

  /** How soon the sweep of the ProviderConfig with uid {@code uid} is due (zero when it is due now). */
  public Duration dueIn(String uid) {
    Instant last = lastSweep.get(uid);
    if (last == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), last.plus(interval));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Forgets the sweep schedule of a ProviderConfig that is gone. */
  public void forget(String uid) {
    lastSweep.remove(uid);
    firstSeen.remove(uid);
  }
}
