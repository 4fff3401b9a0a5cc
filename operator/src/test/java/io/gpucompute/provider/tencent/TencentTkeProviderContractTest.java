package io.gpucompute.provider.tencent;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import io.gpucompute.provider.kubernetes.JobGroundTruth;
import io.gpucompute.provider.kubernetes.KubernetesJobsContractTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TencentTKE adapter against the provider contract: the real Tencent Cloud SDK signs its calls to {@link TkeStub},
 * which verifies every signature and hands out a kubeconfig for a {@link io.gpucompute.provider.kubernetes.FakeCluster}
 * (the "TKE cluster", where the test plays the job controller and kubelet). Ground truth: that cluster's ledger.
 */
class TencentTkeProviderContractTest extends KubernetesJobsContractTest {

  @RegisterExtension
  @org.junit.jupiter.api.Order(1)
  final FakeClusterExtension remote = new FakeClusterExtension();

  @RegisterExtension
  @org.junit.jupiter.api.Order(2)
  final TkeStubExtension tke = new TkeStubExtension(remote);

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    return tke.provider(t -> {});
  }

  @Override
  protected JobGroundTruth jobs() {
    return remote.jobsIn(TkeStubExtension.NAMESPACE);
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }
}
