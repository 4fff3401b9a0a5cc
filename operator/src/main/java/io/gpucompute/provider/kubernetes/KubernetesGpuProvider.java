package io.gpucompute.provider.kubernetes;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes provider of one ProviderConfig: each attempt is one batch/v1 Job on the cluster the operator runs in,
 * through the operator's own client ({@link JobWorkloads}).
 */
final class KubernetesGpuProvider implements GpuProvider {

  private final JobWorkloads jobs;
  private final JobPlacement placement;

  KubernetesGpuProvider(JobWorkloads jobs, JobPlacement placement) {
    this.jobs = jobs;
    this.placement = placement;
  }

  @Override
  public ProbeResult probe() {
    String where = placement.namespace() == null ? "the GpuJobs' namespaces" : "namespace " + placement.namespace();
    try {
      jobs.checkAccess();
      return ProbeResult.ready("Jobs run on this cluster in " + where + "; GPU types: "
          + (placement.acceptsAnyType() ? "any" : offers().stream().map(Offer::gpuType).toList()));
    } catch (ProviderException e) {
      return ProbeResult.notReady(e.reason(), e.getMessage());
    }
  }

  @Override
  public List<Offer> offers() {
    return jobs.offers();
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    return jobs.submit(spec);
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    return jobs.observe(key);
  }

  /** Two listings by label (the operator's Jobs and their pods), one call per page of 500 each. */
  @Override
  public Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
    return jobs.observeAll(workloads);
  }

  @Override
  public boolean observesInBulk() {
    return true;
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    jobs.cancel(key);
  }

  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    return Optional.of(jobs.list(installation));
  }
}
