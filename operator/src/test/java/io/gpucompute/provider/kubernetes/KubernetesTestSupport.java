package io.gpucompute.provider.kubernetes;

import io.gpucompute.api.v1alpha1.KubernetesProviderSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.ComputeDemand;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/** Specs and workloads for the Kubernetes adapter's tests. */
public final class KubernetesTestSupport {

  private KubernetesTestSupport() {}

  /** A Kubernetes ProviderConfig spec that offers A100 (the fake node) and H100 (no node has it). */
  public static ProviderConfigSpec spec(Consumer<KubernetesProviderSpec> customize) {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Kubernetes);
    KubernetesProviderSpec kubernetes = new KubernetesProviderSpec();
    kubernetes.getNodeSelectors().put("A100", FakeClusterExtension.A100_NODE);
    kubernetes.getNodeSelectors().put("H100", Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"));
    customize.accept(kubernetes);
    spec.setKubernetes(kubernetes);
    return spec;
  }

  public static WorkloadKey newKey(String namespace) {
    String id = UUID.randomUUID().toString();
    return new WorkloadKey(namespace, "job-" + id.substring(0, 8), id, 1);
  }

  /** A workload that runs {@code script} with sh on one GPU of {@code type}. */
  public static WorkloadSpec shell(WorkloadKey key, String type, String script, Map<String, String> env) {
    return new WorkloadSpec(key, "busybox:1.36", List.of("sh", "-c"), List.of(script), env, new GpuDemand(type, 1, null),
        new ComputeDemand(2, 8, null), Duration.ofHours(1));
  }
}
