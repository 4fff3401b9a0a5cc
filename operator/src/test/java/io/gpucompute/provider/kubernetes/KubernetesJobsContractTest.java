package io.gpucompute.provider.kubernetes;

import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.util.Map;

/**
 * The provider contract for the adapters that run workloads as batch Jobs (Kubernetes, TencentTKE): shell workloads
 * on A100 nodes, with the cluster's {@link JobGroundTruth} as the judge of what started and what still runs.
 */
public abstract class KubernetesJobsContractTest extends GpuProviderContractTest {

  /** The Jobs of the namespace the adapter under test creates its Jobs in. */
  protected abstract JobGroundTruth jobs();

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
    return jobs().jobsCreated(key.workloadName());
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    jobs().assertNothingLeftRunning(key.workloadName());
  }
}
