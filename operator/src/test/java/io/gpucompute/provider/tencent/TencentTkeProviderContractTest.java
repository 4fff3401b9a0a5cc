package io.gpucompute.provider.tencent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import io.gpucompute.provider.kubernetes.KubernetesTestSupport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TencentTKE adapter against the provider contract: the real Tencent Cloud SDK signs its calls to {@link TkeStub},
 * which verifies every signature and hands out a kubeconfig for a {@link io.gpucompute.provider.kubernetes.FakeCluster}
 * (the "TKE cluster", where the test plays the job controller and kubelet). Ground truth: that cluster's ledger.
 */
class TencentTkeProviderContractTest extends GpuProviderContractTest {

  @RegisterExtension
  @org.junit.jupiter.api.Order(1)
  final FakeClusterExtension remote = new FakeClusterExtension();

  @RegisterExtension
  @org.junit.jupiter.api.Order(2)
  final TkeStubExtension tke = new TkeStubExtension(remote);

  private GpuProvider provider;

  @BeforeEach
  void createProvider() throws ProviderException {
    provider = tke.provider(t -> {});
  }

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Override
  protected GpuProvider provider() {
    return provider;
  }

  @Override
  protected WorkloadSpec shellWorkload(WorkloadKey key, String gpuType, String script, Map<String, String> env) {
    return KubernetesTestSupport.shell(key, gpuType, script, env);
  }

  @Override
  protected String offeredGpuType() {
    return "A100";
  }

  @Override
  protected int workloadsStartedFor(WorkloadKey key) {
    return remote.cluster().jobsCreated(TkeStubExtension.NAMESPACE, key.workloadName());
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    assertThat(remote.cluster().running(TkeStubExtension.NAMESPACE, key.workloadName()))
        .as("the container of Job %s still runs", key.workloadName()).isFalse();
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }
}
