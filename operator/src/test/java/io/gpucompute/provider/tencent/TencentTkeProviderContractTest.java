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
  protected WorkloadSpec succeedingWorkload(WorkloadKey key) {
    return KubernetesTestSupport.shell(key, "A100", "echo " + SUCCESS_MARKER + "; echo \"$" + GREETING_VARIABLE + "\"",
        Map.of(GREETING_VARIABLE, GREETING_VALUE));
  }

  @Override
  protected WorkloadSpec failingWorkload(WorkloadKey key) {
    return KubernetesTestSupport.shell(key, "A100", "echo failing; exit " + FAILING_EXIT_CODE, Map.of());
  }

  @Override
  protected WorkloadSpec longRunningWorkload(WorkloadKey key) {
    return KubernetesTestSupport.shell(key, "A100", "sleep 300", Map.of());
  }

  @Override
  protected WorkloadSpec unknownGpuTypeWorkload(WorkloadKey key) {
    return KubernetesTestSupport.shell(key, "TPU-V5", "echo never", Map.of());
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
