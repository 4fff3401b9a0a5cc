package io.gpucompute.e2e;

import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import io.gpucompute.provider.kubernetes.JobGroundTruth;
import io.gpucompute.provider.kubernetes.KubernetesJobsContractTest;
import io.gpucompute.provider.kubernetes.KubernetesProviderFactory;
import io.gpucompute.provider.kubernetes.KubernetesTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes adapter against the provider contract on a real kube-apiserver and kube-controller-manager: the real
 * job controller creates each Job's pod and marks the Job, the real garbage collector removes pods, and a
 * {@link io.gpucompute.e2e.kubelet.LoopbackKubelet} plays scheduler and kubelet (each container's command really runs
 * as a local process, and {@code pods/log} reaches its output through the API server).
 *
 * <p>The Jobs run in the extension's namespace ({@code kubernetes.namespace}), not the keys' namespace: there the
 * adapter would make each Job owned by a GpuJob that does not exist, and the real garbage collector would delete it.
 * The ground truth is the API server ({@link JobLedger}, pods) and the kubelet's processes.
 */
@E2eTest
class KubernetesProviderContractIT extends KubernetesJobsContractTest {

  @RegisterExtension
  static final LoopbackKubeletExtension kube =
      new LoopbackKubeletExtension("contract-kube", FakeClusterExtension.A100_NODE);

  @Override
  protected GpuProvider newProvider() {
    return new KubernetesProviderFactory(kube.client())
        .create("kubernetes", KubernetesTestSupport.spec(k -> k.setNamespace(kube.namespace())), Credentials.NONE);
  }

  @Override
  protected JobGroundTruth jobs() {
    return kube;
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(60);
  }
}
