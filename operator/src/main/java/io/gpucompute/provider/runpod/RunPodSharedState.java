package io.gpucompute.provider.runpod;

import io.gpucompute.provider.WorkloadLocks;
import io.gpucompute.provider.WorkloadKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the RunPod providers of one factory share, so that it survives a ProviderConfig's provider being rebuilt
 * (after an edit of its spec or Secret): the per-attempt locks, and a cache of serverless request ids (the job's
 * status holds the id that counts; the cache saves a look at it). Keys are attempts of jobs (uid and attempt), unique
 * across ProviderConfigs.
 */
final class RunPodSharedState {

  private static final int REMEMBERED_REQUESTS = 4096;

  /** A serverless request: the endpoint it went to and RunPod's id for it. */
  record Request(String endpointId, String id) {}

  /** The serverless request of each attempt, until it is cancelled or released; the oldest forgotten first. */
  final Map<WorkloadKey, Request> requests = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<WorkloadKey, Request> eldest) {
      return size() > REMEMBERED_REQUESTS;
    }
  });

  /** One lock per attempt, so submits and cancels of one attempt never overlap, even across a rebuilt provider. */
  final WorkloadLocks locks = new WorkloadLocks();

  /** Deploys with a registry auth hold its read side, the deletion of unused auths its write side. */
  final java.util.concurrent.locks.ReadWriteLock registryAuths = new java.util.concurrent.locks.ReentrantReadWriteLock();
}
