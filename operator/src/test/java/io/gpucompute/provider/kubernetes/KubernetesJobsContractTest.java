package io.gpucompute.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadVolume;
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

  /** Jobs and their pods are listed by label, a page at a time. */
  @Override
  protected boolean observesInBulk() {
    return true;
  }

  @Override
  protected int workloadsStartedFor(WorkloadKey key) {
    return jobs().jobsCreated(key.workloadName());
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    jobs().assertNothingLeftRunning(key.workloadName());
  }

  @Override
  protected Support pullSecrets() {
    return Support.HONOURED;
  }

  /**
   * The pod names the job's Secret where the Job runs in the job's own namespace, and else a copy beside the Job that
   * holds its login.
   */
  @Override
  protected void assertPullSecretUsed(WorkloadKey key, PullSecret secret, SubmitResult submitted) {
    PodSpec pod = jobs().job(key.workloadName()).getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets()).hasSize(1);
    String named = pod.getImagePullSecrets().get(0).getName();
    if (named.equals(secret.secretName())) {
      assertThat(jobs().namespace()).as("only a Job in the job's own namespace names its Secret").isEqualTo(KEY_NAMESPACE);
      return;
    }
    assertThat(named).isEqualTo(key.workloadName() + "-registry");
    Map<String, String> copy = jobs().secretData(named);
    assertThat(copy).as("the copy of the pull secret beside the Job").isNotNull();
    assertThat(copy.get(PullSecret.KEY)).contains("registry.example.test").contains("pull-secret-7c2e91");
  }

  @Override
  protected Support volumes(String kind) {
    return kind.equals("provider") ? Support.REFUSED : Support.HONOURED;
  }

  @Override
  protected void assertVolumeMounted(WorkloadKey key, WorkloadVolume volume, Observation finished) {
    PodSpec pod = jobs().job(key.workloadName()).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(mount -> {
          assertThat(mount.getName()).isEqualTo(volume.name());
          assertThat(mount.getMountPath()).isEqualTo(volume.mountPath());
        });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(volume.name())).singleElement()
        .satisfies(podVolume -> {
          if (volume.source() instanceof WorkloadVolume.Claim claim) {
            assertThat(podVolume.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.claimName());
          } else {
            assertThat(podVolume.getEmptyDir().getSizeLimit().toString()).isEqualTo("1Gi");
          }
        });
  }
}
