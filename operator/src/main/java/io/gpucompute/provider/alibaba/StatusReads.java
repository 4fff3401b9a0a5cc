package io.gpucompute.provider.alibaba;

import com.aliyuncs.ecs.model.v20140526.DescribeInvocationResultsResponse.Invocation.InvocationResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud Assistant reads of running instances ({@link UserData#statusCommand}: the container's log tail and, once
 * it has exited, its exit code). A read is started at one observation and collected at a later one, so no
 * observation waits for Cloud Assistant; a workload has at most one read in flight. What it keeps is a cache: a fresh
 * adapter starts a read at its first observation of a running instance and has the outcome at the next.
 *
 * <p>Reads of many instances go out together ({@link #startAll}): one RunCommand per
 * {@value EcsApi#MAX_COMMAND_INSTANCES} instances, and their results come back with one DescribeInvocationResults per
 * invocation and page ({@link #resultsOf}), so an unchanged running instance costs no call of its own.
 */
final class StatusReads {

  private static final Logger log = LoggerFactory.getLogger(StatusReads.class);

  /** A read in flight: its invocation and the instance it reads. */
  record Read(String invokeId, String instanceId) {}

  /**
   * What collecting a read found: the read still runs ({@code reading}); or the container's exit code and log tail
   * ({@code exitCode} set); or neither, and the next read should start.
   */
  record Collected(boolean reading, Integer exitCode, String logTail) {
    static final Collected READING = new Collected(true, null, null);
    static final Collected NOTHING = new Collected(false, null, null);

    boolean exited() {
      return exitCode != null;
    }
  }

  private final EcsApi api;
  private final String script;
  private final Map<WorkloadKey, Read> inFlight = new ConcurrentHashMap<>();
  /** The last log tail read, by key, shown while the next read runs. */
  private final Map<WorkloadKey, String> lastTails = new ConcurrentHashMap<>();

  StatusReads(EcsApi api, AlibabaSettings settings) {
    this.api = api;
    this.script = UserData.statusCommand(settings.logLines());
  }

  /** The read in flight for {@code key} on instance {@code instanceId}, if there is one. */
  Optional<Read> inFlight(WorkloadKey key, String instanceId) {
    Read read = inFlight.get(key);
    return read != null && read.instanceId().equals(instanceId) ? Optional.of(read) : Optional.empty();
  }

  /** The last log tail read for {@code key}, or null. */
  String lastTail(WorkloadKey key) {
    return lastTails.get(key);
  }

  /** Like {@link #collect(WorkloadKey, String, Optional)}, with the result among {@code results} ({@link #resultsOf}). */
  Collected collect(WorkloadKey key, String instanceId, Map<Read, InvocationResult> results) {
    return collect(key, instanceId, inFlight(key, instanceId).map(results::get));
  }

  /**
   * Takes in {@code result}, what Cloud Assistant says of the read in flight for {@code key} on {@code instanceId}
   * (empty when it has nothing for it yet). A read that has ended is no longer in flight; its log tail becomes the
   * last one.
   */
  Collected collect(WorkloadKey key, String instanceId, Optional<InvocationResult> result) {
    Optional<Read> read = inFlight(key, instanceId);
    if (read.isEmpty()) {
      return Collected.NOTHING;
    }
    String record = result.map(r -> String.valueOf(r.getInvokeRecordStatus())).orElse("");
    if (record.isEmpty() || "Running".equals(record) || "Pending".equals(record)) {
      return Collected.READING;
    }
    inFlight.remove(key, read.get());
    UserData.Status status = UserData.parse(result.get().getOutput());
    if (!status.marked()) {
      log.debug("workload {}: Cloud Assistant read on {} ended {} / {} without output", key, instanceId, record,
          result.get().getInvocationStatus());
      return Collected.NOTHING;
    }
    lastTails.put(key, status.logTail());
    return status.exitCode() == null ? Collected.NOTHING : new Collected(false, status.exitCode(), status.logTail());
  }

  /**
   * What Cloud Assistant has of the reads in flight for {@code instances} (instance id by key), by read: one
   * DescribeInvocationResults per invocation and page. The keys whose invocation could not be read go to
   * {@code unread}.
   */
  Map<Read, InvocationResult> resultsOf(Map<WorkloadKey, String> instances, Set<WorkloadKey> unread) {
    Map<String, List<WorkloadKey>> byInvocation = new LinkedHashMap<>();
    instances.forEach((key, instanceId) -> inFlight(key, instanceId).ifPresent(
        read -> byInvocation.computeIfAbsent(read.invokeId(), id -> new ArrayList<>()).add(key)));
    Map<Read, InvocationResult> results = new LinkedHashMap<>();
    byInvocation.forEach((invokeId, keys) -> {
      try {
        api.invocationResults(invokeId).forEach((instanceId, result) -> results.put(new Read(invokeId, instanceId),
            result));
      } catch (ProviderException e) {
        log.debug("Cloud Assistant invocation {} could not be read: {}", invokeId, e.getMessage());
        unread.addAll(keys);
      }
    });
    return results;
  }

  /** Starts the next read for {@code key} on {@code instanceId}; one the instance cannot take yet is skipped. */
  void start(WorkloadKey key, String instanceId) throws ProviderException {
    try {
      inFlight.put(key, new Read(api.runCommand(List.of(instanceId), script), instanceId));
    } catch (ProviderException.InvalidRequest e) {
      // The Cloud Assistant agent is not up yet (IncorrectInstanceStatus, InvalidInstance.NotRunning...).
      log.debug("workload {}: Cloud Assistant not ready on {}: {}", key, instanceId, e.getMessage());
    }
  }

  /**
   * Starts the next read for each of {@code instances} (instance id by key): one RunCommand per
   * {@value EcsApi#MAX_COMMAND_INSTANCES} instances. When ECS refuses such a call as a whole (one of its instances
   * cannot take a command yet), its instances are started one by one, as {@link #start} does. Returns the keys
   * whose read could not be started for another reason (a failed call).
   */
  Set<WorkloadKey> startAll(Map<WorkloadKey, String> instances) {
    Set<WorkloadKey> failed = new HashSet<>();
    List<Map.Entry<WorkloadKey, String>> all = new ArrayList<>(instances.entrySet());
    for (int from = 0; from < all.size(); from += EcsApi.MAX_COMMAND_INSTANCES) {
      List<Map.Entry<WorkloadKey, String>> batch = all.subList(from,
          Math.min(all.size(), from + EcsApi.MAX_COMMAND_INSTANCES));
      try {
        String invokeId = api.runCommand(batch.stream().map(Map.Entry::getValue).toList(), script);
        batch.forEach(entry -> inFlight.put(entry.getKey(), new Read(invokeId, entry.getValue())));
      } catch (ProviderException.InvalidRequest refused) {
        log.debug("Cloud Assistant refused a read of {} instances ({}); starting them one by one", batch.size(),
            refused.getMessage());
        for (Map.Entry<WorkloadKey, String> entry : batch) {
          try {
            start(entry.getKey(), entry.getValue());
          } catch (ProviderException e) {
            failed.add(entry.getKey());
          }
        }
      } catch (ProviderException e) {
        log.debug("Cloud Assistant reads of {} instances could not be started: {}", batch.size(), e.getMessage());
        batch.forEach(entry -> failed.add(entry.getKey()));
      }
    }
    return failed;
  }

  /** The workload ended or is gone: its read in flight, if any, is not collected. */
  void stop(WorkloadKey key) {
    inFlight.remove(key);
  }

  /** Forgets everything of {@code key}. */
  void forget(WorkloadKey key) {
    inFlight.remove(key);
    lastTails.remove(key);
  }
}
