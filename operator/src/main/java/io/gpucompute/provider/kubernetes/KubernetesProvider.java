package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
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
 * through the operator's own client ({@link BatchJobWorkloads}).
 *
 * <p>Its probe checks the operator's rights where the Jobs go: in {@code spec.kubernetes.namespace}, every permission
 * the provider uses ({@link NamespaceAccess}); a namespace without them makes the ProviderConfig not ready (reason
 * {@value #FORBIDDEN}). With the namespace unset, Jobs go to each GpuJob's own namespace, which the probe cannot
 * know: a job in a namespace without the rights meets the API server's 403 at submit, with the same reason.
 */
final class KubernetesProvider implements GpuProvider {

  /** The reason of a ProviderConfig whose namespace the operator may not run Jobs in. */
  static final String FORBIDDEN = "Forbidden";

  private final KubernetesClient client;
  private final BatchJobWorkloads jobs;
  private final JobPlacement placement;

  KubernetesProvider(KubernetesClient client, BatchJobWorkloads jobs, JobPlacement placement) {
    this.client = client;
    this.jobs = jobs;
    this.placement = placement;
  }

  @Override
  public ProbeResult probe() {
    String types = "; GPU types: "
        + (placement.acceptsAnyType() ? "any" : offers().stream().map(Offer::gpuType).toList());
    try {
      if (placement.namespace() == null) {
        NamespaceAccess.checkCredentials(client); // where the Jobs go depends on each GpuJob
        return ProbeResult.ready("Jobs run on this cluster in the GpuJobs' own namespaces, where the operator needs "
            + "the rights to run them (Helm chart: providers.kubernetes.namespaces)" + types);
      }
      List<NamespaceAccess.Permission> missing = NamespaceAccess.missing(client, placement.namespace());
      if (!missing.isEmpty()) {
        return ProbeResult.notReady(FORBIDDEN, NamespaceAccess.refusal(placement.namespace(), missing));
      }
      jobs.checkAccess();
      return ProbeResult.ready("Jobs run on this cluster in namespace " + placement.namespace() + types);
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
