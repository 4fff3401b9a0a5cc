package io.gpucompute.provider.alibaba;

import com.aliyuncs.ecs.model.v20140526.DescribeInstancesResponse.Instance;
import com.aliyuncs.ecs.model.v20140526.DescribeInvocationResultsResponse.Invocation.InvocationResult;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadState;
import java.time.Instant;
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
 * What an attempt's ECS instance, as DescribeInstances shows it, says of its workload: pending while it boots; ended
 * (lost or preempted) when it is stopped or locked; and while it runs, what the Cloud Assistant reads of the
 * container's exit code and log tail ({@link StatusReads}) found. In memory it keeps only caches: those reads, and
 * each finished observation until the instance is released (a finished workload costs no further read).
 */
final class InstanceObserver {

  private static final Logger log = LoggerFactory.getLogger(InstanceObserver.class);
  /** The OperationLocks reason of a spot instance that ECS reclaims (and releases a few minutes later). */
  static final String SPOT_RECLAIMED = "Recycling";

  private final EcsApi api;
  private final StatusReads reads;
  /** Finished observations, until the instance is released: spares a Cloud Assistant read per poll. A cache. */
  private final Map<WorkloadKey, Observation> finished = new ConcurrentHashMap<>();

  InstanceObserver(EcsApi api, AlibabaSettings settings) {
    this.api = api;
    this.reads = new StatusReads(api, settings);
  }

  /**
   * What {@code instance}, the one tagged with {@code key}'s workload, says of it now; for a running instance, after
   * collecting the previous Cloud Assistant read (one DescribeInvocationResults) and starting the next (one
   * RunCommand) unless that read still runs.
   */
  Observation observe(WorkloadKey key, Instance instance) throws ProviderException {
    Observation settled = settled(key, instance);
    if (settled != null) {
      return settled;
    }
    String id = instance.getInstanceId();
    Optional<StatusReads.Read> inFlight = reads.inFlight(key, id);
    Optional<InvocationResult> result = inFlight.isPresent()
        ? api.invocationResult(inFlight.get().invokeId(), id) : Optional.empty();
    StatusReads.Collected collected = reads.collect(key, id, result);
    if (!collected.reading() && !collected.exited()) {
      reads.start(key, id);
    }
    return afterRead(key, instance, collected);
  }

  /**
   * What each of the {@code listed} instances (by the key of the workload it is tagged with) says, as
   * {@link #observe} says it, with the Cloud Assistant reads of the running ones together: one
   * DescribeInvocationResults per invocation and page, and one RunCommand per {@value EcsApi#MAX_COMMAND_INSTANCES}
   * instances. The log tail of a pending or running workload is left out
   * ({@link Observation#withoutLogTailWhileHeld}). A workload whose read could not be collected or started is left
   * out of the answer.
   */
  Map<WorkloadKey, Observation> observeAll(Map<WorkloadKey, Instance> listed) {
    Map<WorkloadKey, Observation> observed = new LinkedHashMap<>();
    Map<WorkloadKey, Instance> running = new LinkedHashMap<>();
    listed.forEach((key, instance) -> {
      Observation settled = settled(key, instance);
      if (settled != null) {
        observed.put(key, settled.withoutLogTailWhileHeld());
      } else {
        running.put(key, instance);
      }
    });
    Map<WorkloadKey, String> ids = new LinkedHashMap<>();
    running.forEach((key, instance) -> ids.put(key, instance.getInstanceId()));
    Set<WorkloadKey> unread = new HashSet<>();
    Map<StatusReads.Read, InvocationResult> results = reads.resultsOf(ids, unread);
    Map<WorkloadKey, String> next = new LinkedHashMap<>();
    running.forEach((key, instance) -> {
      if (unread.contains(key)) {
        return;
      }
      StatusReads.Collected collected = reads.collect(key, instance.getInstanceId(), results);
      if (!collected.reading() && !collected.exited()) {
        next.put(key, instance.getInstanceId());
      }
      observed.put(key, afterRead(key, instance, collected).withoutLogTailWhileHeld());
    });
    reads.startAll(next).forEach(observed::remove);
    return observed;
  }

  /** Forgets everything of {@code key}: its instance is gone or released. */
  void forget(WorkloadKey key) {
    reads.forget(key);
    finished.remove(key);
  }

  /**
   * What {@code instance} says of the workload for {@code key} without a Cloud Assistant read: its finished
   * observation, or that it is pending, locked or stopped; null when it is Running and so needs a read.
   */
  private Observation settled(WorkloadKey key, Instance instance) {
    Observation done = finished.get(key);
    if (done != null && done.externalId().equals(instance.getInstanceId())) {
      return done;
    }
    String id = instance.getInstanceId();
    Instant started = AlibabaEcsProvider.time(instance.getStartTime());
    String status = String.valueOf(instance.getStatus());
    if (instance.getOperationLocks() != null && !instance.getOperationLocks().isEmpty()) {
      List<String> reasons = instance.getOperationLocks().stream().map(l -> String.valueOf(l.getLockReason())).toList();
      if (reasons.contains(SPOT_RECLAIMED)) {
        return finish(key, new Observation(WorkloadState.PREEMPTED, id, null, "ECS reclaimed spot instance " + id
            + " (lock " + SPOT_RECLAIMED + ")", reads.lastTail(key), started, null));
      }
      return finish(key, new Observation(WorkloadState.LOST, id, null, "ECS instance " + id + " is locked "
          + reasons + " (an overdue account, a security lock)", reads.lastTail(key), started, null));
    }
    return switch (status) {
      case "Pending", "Starting" -> new Observation(WorkloadState.PENDING, id, null, "ECS instance " + id + " is "
          + status, null, null, null);
      case "Running" -> null;
      // Stopping or Stopped: nobody but ECS stops our instances (a spot reclaim with Stop, an overdue account).
      default -> finish(key, new Observation(WorkloadState.LOST, id, null, "ECS instance " + id + " is " + status
          + " without the job having ended", reads.lastTail(key), started, null));
    };
  }

  /** A running instance's observation once its read was collected: finished when the read found an exit code. */
  private Observation afterRead(WorkloadKey key, Instance instance, StatusReads.Collected collected) {
    String id = instance.getInstanceId();
    Instant started = AlibabaEcsProvider.time(instance.getStartTime());
    if (collected.exited()) {
      int exit = collected.exitCode();
      WorkloadState state = exit == 0 ? WorkloadState.SUCCEEDED : WorkloadState.FAILED;
      String message = "the container exited with code " + exit + (exit == 125 ? " (125: the host could "
          + "not be set up or the container could not start; see the log tail)" : "") + " on ECS instance " + id;
      return finish(key, new Observation(state, id, exit, message, collected.logTail(), started, null));
    }
    return new Observation(WorkloadState.RUNNING, id, null, "ECS instance " + id + " is Running",
        reads.lastTail(key), started, null);
  }

  /** The workload ended: its observation is kept (a cache) until the operator releases the instance. */
  private Observation finish(WorkloadKey key, Observation observation) {
    finished.put(key, observation);
    reads.stop(key);
    log.info("workload {}: {}", key, observation.message());
    return observation;
  }
}
