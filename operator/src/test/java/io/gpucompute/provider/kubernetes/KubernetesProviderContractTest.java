package io.gpucompute.provider.kubernetes;

import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes adapter against the provider contract, on {@link FakeCluster}: fabric8's mock API server, with the
 * test playing the job controller, scheduler, kubelet and garbage collector. Each Job's container command really runs
 * as a local process, so output and exit codes are what the Job the adapter created does. The ground truth is the
 * fake cluster's ledger of Jobs and processes.
 */
class KubernetesProviderContractTest extends KubernetesJobsContractTest {

  @RegisterExtension
  final FakeClusterExtension kube = new FakeClusterExtension();

  @Override
  protected GpuProvider newProvider() {
    return new KubernetesProviderFactory(kube.cluster().client())
        .create("kubernetes", KubernetesTestSupport.spec(k -> {}), Credentials.NONE);
  }

  @Override
  protected JobGroundTruth jobs() {
    return kube.jobsIn(KEY_NAMESPACE);
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }
}
