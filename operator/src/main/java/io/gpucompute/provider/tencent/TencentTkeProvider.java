package io.gpucompute.provider.tencent;

import com.tencentcloudapi.tke.v20180525.models.Cluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadLocks;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.kubernetes.JobPlacement;
import io.gpucompute.provider.kubernetes.BatchJobWorkloads;
import io.gpucompute.provider.kubernetes.KubeErrors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TencentTKE provider of one ProviderConfig: Jobs on one TKE cluster, in one namespace. The cluster's kubeconfig
 * comes from {@code DescribeClusterKubeconfig}; the fabric8 client built from it is cached for the life of this
 * provider (the registry builds a new provider when the ProviderConfig or its credentials change) and rebuilt once,
 * from a fresh kubeconfig, when the cluster answers 401 or 403.
 */
final class TencentTkeProvider implements GpuProvider {

  private static final Logger log = LoggerFactory.getLogger(TencentTkeProvider.class);

  private record Remote(KubernetesClient client, BatchJobWorkloads jobs) {}

  @FunctionalInterface
  private interface RemoteCall<T> {
    T run(BatchJobWorkloads jobs) throws ProviderException;
  }

  private final String configName;
  private final TkeApi api;
  private final String clusterId;
  private final String namespace;
  private final boolean extranet;
  private final JobPlacement placement;
  private final Duration requestTimeout;
  private final WorkloadLocks locks;
  private final Object remoteLock = new Object();
  private Remote remote;

  TencentTkeProvider(String configName, TkeApi api, String clusterId, String namespace, boolean extranet,
      JobPlacement placement, Duration requestTimeout, WorkloadLocks locks) {
    this.configName = configName;
    this.api = api;
    this.clusterId = clusterId;
    this.namespace = namespace;
    this.extranet = extranet;
    this.placement = placement;
    this.requestTimeout = requestTimeout;
    this.locks = locks;
  }

  @Override
  public ProbeResult probe() {
    try {
      Cluster cluster = api.cluster(clusterId);
      if (cluster.getClusterStatus() != null && !"Running".equals(cluster.getClusterStatus())) {
        return ProbeResult.notReady("ClusterNotRunning",
            "TKE cluster " + clusterId + " is " + cluster.getClusterStatus() + ", not Running");
      }
      withRemote(jobs -> {
        jobs.checkAccess();
        return null;
      });
      return ProbeResult.ready("TKE cluster " + clusterId + " (" + cluster.getClusterName() + ") answers; Jobs run in "
          + "namespace " + namespace + "; GPU types: " + offers().stream().map(Offer::gpuType).toList());
    } catch (ProviderException e) {
      return ProbeResult.notReady(e.reason(), e.getMessage());
    }
  }

  @Override
  public List<Offer> offers() {
    return BatchJobWorkloads.offers(placement);
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    return withRemote(jobs -> jobs.submit(spec));
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    return withRemote(jobs -> jobs.observe(key));
  }

  /** Two listings by label on the TKE cluster (the operator's Jobs and their pods), one call per page of 500 each. */
  @Override
  public Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
    return withRemote(jobs -> jobs.observeAll(workloads));
  }

  @Override
  public boolean observesInBulk() {
    return true;
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    withRemote(jobs -> {
      jobs.cancel(key);
      return null;
    });
  }

  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    return Optional.of(withRemote(jobs -> jobs.list(installation)));
  }

  @Override
  public void close() {
    synchronized (remoteLock) {
      if (remote != null) {
        remote.client().close();
        remote = null;
      }
    }
  }

  /** Runs {@code call} on the cluster; on a 401 or 403, once more with a client built from a fresh kubeconfig. */
  private <T> T withRemote(RemoteCall<T> call) throws ProviderException {
    Remote used = remote();
    try {
      return call.run(used.jobs());
    } catch (ProviderException e) {
      if (!isAuthFailure(e)) {
        throw e;
      }
      log.info("ProviderConfig {}: TKE cluster {} refused the operator ({}); fetching a fresh kubeconfig", configName,
          clusterId, e.reason());
      drop(used);
      return call.run(remote().jobs());
    }
  }

  private static boolean isAuthFailure(ProviderException e) {
    return e.getCause() instanceof KubernetesClientException k && KubeErrors.isAuthFailure(k);
  }

  private Remote remote() throws ProviderException {
    synchronized (remoteLock) {
      if (remote == null) {
        String kubeconfig = api.kubeconfig(clusterId, extranet);
        Config config;
        try {
          config = Config.fromKubeconfig(kubeconfig);
        } catch (RuntimeException e) {
          throw new ProviderException.InvalidRequest("KubeconfigInvalid",
              "the kubeconfig TKE returned for cluster " + clusterId + " cannot be read: " + e.getClass().getSimpleName());
        }
        config.setNamespace(namespace);
        config.setRequestTimeout((int) requestTimeout.toMillis());
        config.setConnectionTimeout((int) requestTimeout.toMillis());
        config.setRequestRetryBackoffLimit(0);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        remote = new Remote(client, new BatchJobWorkloads(client, cluster(), placement, locks));
        log.info("ProviderConfig {}: connected to the API server of TKE cluster {}", configName, clusterId);
      }
      return remote;
    }
  }

  private void drop(Remote used) {
    synchronized (remoteLock) {
      if (remote == used) {
        remote = null;
        used.client().close();
      }
    }
  }

  private String cluster() {
    return "TKE cluster " + clusterId;
  }
}
