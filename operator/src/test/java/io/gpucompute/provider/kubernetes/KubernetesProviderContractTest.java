package io.gpucompute.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes adapter against the provider contract, on {@link FakeCluster}: fabric8's mock API server, with the
 * test playing the job controller, scheduler, kubelet and garbage collector. Each Job's container command really runs
 * as a local process, so output and exit codes are what the Job the adapter created does. The ground truth is the
 * fake cluster's ledger of Jobs and processes.
 */
class KubernetesProviderContractTest extends GpuProviderContractTest {

  @RegisterExtension
  final FakeClusterExtension kube = new FakeClusterExtension();

  private GpuProvider provider;

  @BeforeEach
  void createProvider() {
    provider = new KubernetesProviderFactory(kube.cluster().client())
        .create("kubernetes", KubernetesTestSupport.spec(k -> {}), Credentials.NONE);
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
    return kube.cluster().jobsCreated(key.namespace(), key.workloadName());
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    assertThat(kube.cluster().running(key.namespace(), key.workloadName()))
        .as("the container of Job %s still runs", key.workloadName()).isFalse();
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }
}
