package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.KubernetesProviderSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.provider.WorkloadLocks;
import java.util.Map;

/**
 * Builds Kubernetes providers: Jobs on the cluster of {@code client}, the operator's own client. Needs no
 * credentials: the operator's ServiceAccount creates the Jobs (see docs/providers/kubernetes.md for its RBAC).
 */
public final class KubernetesProviderFactory implements ProviderFactory {

  private final KubernetesClient client;
  private final WorkloadLocks locks = new WorkloadLocks();

  public KubernetesProviderFactory(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public ProviderType type() {
    return ProviderType.Kubernetes;
  }

  @Override
  public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials) {
    KubernetesProviderSpec kube = spec.getKubernetes() == null ? new KubernetesProviderSpec() : spec.getKubernetes();
    JobPlacement placement = new JobPlacement(kube.getNamespace(), kube.getNodeSelectors(), Map.of(),
        kube.getTolerations(), kube.getRuntimeClassName(), kube.getPriorityClassName(), true, kube.getSpot());
    return new KubernetesProvider(client, new BatchJobWorkloads(client, "this cluster", placement, locks), placement);
  }
}
