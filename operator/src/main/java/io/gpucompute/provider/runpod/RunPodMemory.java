package io.gpucompute.provider.runpod;

import io.gpucompute.provider.WorkloadLocks;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.WorkloadKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the adapter must remember because RunPod cannot tell it again, shared by every provider of one factory so
 * that it survives a ProviderConfig's provider being rebuilt (after an edit of its spec or Secret); it does not
 * survive an operator restart. Keys are attempts of jobs (uid and attempt), unique across ProviderConfigs.
 */
final class RunPodMemory {

  private static final int REMEMBERED_RESULTS = 4096;

  /** A serverless request: the endpoint it went to and RunPod's id for it. */
  record Request(String endpointId, String id) {}

  /** How pods that the adapter terminated itself ended: RunPod forgets a terminated pod. */
  final Map<WorkloadKey, Observation> results = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<WorkloadKey, Observation> eldest) {
      return size() > REMEMBERED_RESULTS;
    }
  });

  /** The serverless request of each attempt: RunPod finds requests only by id. */
  final Map<WorkloadKey, Request> requests = new ConcurrentHashMap<>();

  /** One lock per attempt, so submits and cancels of one attempt never overlap, even across a rebuilt provider. */
  final WorkloadLocks locks = new WorkloadLocks();
}
