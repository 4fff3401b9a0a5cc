package io.gpucompute.e2e;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every batch/v1 Job that ever existed in one namespace while it watched, by name: the ground truth of how many Jobs a
 * provider created under one name, even when one was deleted again. It counts distinct uids, from its watch and from
 * a fresh list (so a Job created a moment ago is counted without waiting for the watch).
 */
public final class JobLedger implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Set<String>> uidsByName = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Job> informer;

  JobLedger(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.informer = client.batch().v1().jobs().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        record(job);
      }

      @Override
      public void onUpdate(Job old, Job job) {
        record(job);
      }

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        record(job);
      }
    });
  }

  /** How many distinct Jobs named {@code name} were seen. */
  public int jobsCreated(String name) {
    client.batch().v1().jobs().inNamespace(namespace).list().getItems().forEach(this::record);
    return uidsByName.getOrDefault(name, Set.of()).size();
  }

  private void record(Job job) {
    uidsByName.computeIfAbsent(job.getMetadata().getName(), k -> ConcurrentHashMap.newKeySet())
        .add(job.getMetadata().getUid());
  }

  @Override
  public void close() {
    informer.close();
  }
}
