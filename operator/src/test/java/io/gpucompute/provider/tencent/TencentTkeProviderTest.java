package io.gpucompute.provider.tencent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import io.gpucompute.provider.kubernetes.FakeCluster;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import io.gpucompute.provider.kubernetes.KubernetesTestSupport;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TencentTKE adapter beyond the contract: every row of the error table, client rebuilds, GPU selection. */
class TencentTkeProviderTest {

  @RegisterExtension
  @Order(1)
  final FakeClusterExtension remote = new FakeClusterExtension();

  @RegisterExtension
  @Order(2)
  final TkeStubExtension tke = new TkeStubExtension(remote);

  private final List<GpuProvider> providers = new ArrayList<>();
  private final List<WorkloadKey> keys = new ArrayList<>();

  @AfterEach
  void cleanUp() throws ProviderException {
    remote.cluster().fault(null);
    tke.stub().forceError(null);
    GpuProvider cleaner = track(tke.provider(t -> {}));
    for (WorkloadKey key : keys) {
      cleaner.cancel(key);
    }
    providers.forEach(GpuProvider::close);
  }

  private GpuProvider track(GpuProvider provider) {
    providers.add(provider);
    return provider;
  }

  private WorkloadKey newKey() {
    WorkloadKey key = KubernetesTestSupport.newKey("team-a");
    keys.add(key);
    return key;
  }

  private static WorkloadSpec sleeper(WorkloadKey key, String type) {
    return KubernetesTestSupport.shell(key, type, "sleep 300", Map.of());
  }

  @Test
  void probeIsReadyAfterDescribeClustersAndACallOnTheCluster() throws ProviderException {
    ProbeResult probe = track(tke.provider(t -> {})).probe();

    assertThat(probe.ready()).as("%s", probe).isTrue();
    assertThat(tke.stub().actions()).containsExactly("DescribeClusters", "DescribeClusterKubeconfig");
  }

  @Test
  void aWrongSecretKeyIsInvalidCredentialsAndNeverShowsTheKey() throws ProviderException {
    String wrong = "wrong-secret-key-41d0";
    GpuProvider provider = track(new TencentTkeProviderFactory(Duration.ofSeconds(5)).create("tke", tke.spec(t -> {}),
        new Credentials(TkeStub.credentials(TkeStub.SECRET_ID, wrong))));

    ProbeResult probe = provider.probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("InvalidCredentials");
    assertThat(probe.message()).contains("AuthFailure.SignatureFailure").doesNotContain(wrong)
        .doesNotContain(TkeStub.SECRET_KEY);
    assertThatThrownBy(() -> provider.submit(sleeper(newKey(), "A100")))
        .isInstanceOf(ProviderException.InvalidCredentials.class);
    assertThat(remote.cluster().jobs()).isEmpty();
  }

  @Test
  void anUnknownSecretIdIsInvalidCredentials() throws ProviderException {
    GpuProvider provider = track(new TencentTkeProviderFactory(Duration.ofSeconds(5)).create("tke", tke.spec(t -> {}),
        new Credentials(TkeStub.credentials("AKIDunknown", TkeStub.SECRET_KEY))));

    ProbeResult probe = provider.probe();

    assertThat(probe.reason()).isEqualTo("InvalidCredentials");
    assertThat(probe.message()).contains("AuthFailure.SecretIdNotFound");
  }

  @Test
  void anUnreachableTkeApiIsTransientThenACondition() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    var spec = tke.spec(t -> {});
    spec.setEndpoint("http://127.0.0.1:" + closedPort);
    GpuProvider provider = track(new TencentTkeProviderFactory(Duration.ofSeconds(2)).create("tke", spec,
        new Credentials(TkeStub.credentials(TkeStub.SECRET_ID, TkeStub.SECRET_KEY))));

    assertThatThrownBy(() -> provider.submit(sleeper(newKey(), "A100")))
        .isInstanceOf(ProviderException.Transient.class);
    ProbeResult probe = provider.probe();
    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("Unreachable");
  }

  @Test
  void anUnreachableClusterApiServerIsTransient() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> {}));
    remote.cluster().fault(request -> { throw new IllegalStateException("connection dropped"); });

    ProbeResult probe = provider.probe();

    assertThat(probe.ready()).isFalse();
    assertThatThrownBy(() -> provider.observe(newKey())).isInstanceOf(ProviderException.Transient.class);
  }

  @Test
  void throttlingByTheTkeApiIsTransient() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> {}));
    tke.stub().forceError("RequestLimitExceeded");

    assertThatThrownBy(() -> provider.submit(sleeper(newKey(), "A100")))
        .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("RequestLimitExceeded");
  }

  @Test
  void aForbiddenNamespaceIsAConditionNamingThePermission() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> {}));
    remote.cluster().fault(request -> request.getPath().contains("/jobs") ? FakeCluster.status(403, "Forbidden",
        "jobs.batch is forbidden: User \"100012345678\" cannot list resource \"jobs\" in API group \"batch\" in the "
            + "namespace \"gpu-jobs\"") : null);

    ProbeResult probe = provider.probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("Forbidden");
    assertThat(probe.message()).contains("list jobs.batch in namespace gpu-jobs")
        .contains("cannot list resource 'jobs'");
    assertThat(tke.stub().kubeconfigsIssued()).as("a 403 fetches a fresh kubeconfig once").isEqualTo(2);
  }

  @Test
  void aRejectedTokenRebuildsTheClientFromAFreshKubeconfig() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> {}));
    assertThat(provider.probe().ready()).isTrue();
    remote.cluster().fault(request -> "Bearer tke-token-1".equals(request.getHeader("Authorization"))
        ? FakeCluster.status(401, "Unauthorized", "Unauthorized") : null);
    WorkloadKey key = newKey();

    SubmitResult submitted = provider.submit(sleeper(key, "A100"));

    assertThat(submitted.externalId()).isEqualTo(TkeStubExtension.NAMESPACE + "/" + key.workloadName());
    assertThat(tke.stub().kubeconfigsIssued()).isEqualTo(2);
    assertThat(remote.cluster().jobsCreated(TkeStubExtension.NAMESPACE, key.workloadName())).isEqualTo(1);
  }

  @Test
  void anExceededJobQuotaIsNoCapacity() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> {}));
    remote.cluster().fault(request -> "POST".equals(request.getMethod()) && request.getPath().contains("/jobs")
        ? FakeCluster.status(403, "Forbidden", "jobs.batch \"x\" is forbidden: exceeded quota: gpu, requested: "
            + "requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=8, limited: requests.nvidia.com/gpu=8") : null);

    assertThatThrownBy(() -> provider.submit(sleeper(newKey(), "A100")))
        .isInstanceOf(ProviderException.NoCapacity.class).hasMessageContaining("exceeded quota");
  }

  @Test
  void aClusterThatIsNotRunningIsNotReady() throws ProviderException {
    tke.stub().clusterStatus("Abnormal");

    ProbeResult probe = track(tke.provider(t -> {})).probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("ClusterNotRunning");
  }

  @Test
  void anUnknownClusterIsAnInvalidRequest() throws ProviderException {
    ProbeResult probe = track(tke.provider(t -> t.setClusterId("cls-nosuch"))).probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("ClusterNotFound");
  }

  @Test
  void aFreshProviderAfterARestartFindsTheJobAndCreatesNoSecond() throws ProviderException {
    WorkloadKey key = newKey();
    GpuProvider before = tke.provider(t -> {});
    SubmitResult first = before.submit(sleeper(key, "A100"));
    before.close();

    GpuProvider after = track(tke.provider(t -> {}));
    SubmitResult second = after.submit(sleeper(key, "A100"));

    assertThat(second.externalId()).isEqualTo(first.externalId());
    await().atMost(Duration.ofSeconds(10)).until(() -> after.observe(key).state() == WorkloadState.RUNNING);
    assertThat(remote.cluster().jobsCreated(TkeStubExtension.NAMESPACE, key.workloadName())).isEqualTo(1);
  }

  @Test
  void cancelDeletesTheJobOnTheCluster() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> {}));
    WorkloadKey key = newKey();
    provider.submit(sleeper(key, "A100"));
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.observe(key).state() == WorkloadState.RUNNING);

    provider.cancel(key);

    assertThat(remote.cluster().jobs()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(remote.cluster().pods()).isEmpty());
  }

  @Test
  void withoutNodeSelectorsTheSuperNodeGpuTypeAnnotationPicksTheGpu() throws ProviderException {
    GpuProvider provider = track(tke.provider(t -> t.setGpuNodeSelectors(null)));
    WorkloadKey key = newKey();

    assertThat(provider.offers()).extracting(o -> o.gpuType()).containsExactly("A10", "T4", "V100");
    provider.submit(KubernetesTestSupport.shell(key, "t4", "sleep 300", Map.of()));

    Job job = remote.cluster().client().batch().v1().jobs().inNamespace(TkeStubExtension.NAMESPACE)
        .withName(key.workloadName()).get();
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(TencentTkeProviderFactory.GPU_TYPE_ANNOTATION, "T4")
        .containsEntry(TencentTkeProviderFactory.GPU_COUNT_ANNOTATION, "1");
    assertThat(job.getMetadata().getOwnerReferences()).as("no owner on another cluster").isNullOrEmpty();
  }

  @Test
  void missingSettingsAreAnInvalidRequest() {
    var spec = tke.spec(t -> {});
    spec.setTencent(null);

    assertThatThrownBy(() -> new TencentTkeProviderFactory().create("tke", spec,
        new Credentials(TkeStub.credentials(TkeStub.SECRET_ID, TkeStub.SECRET_KEY))))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("spec.tencent.clusterId");
    assertThatThrownBy(() -> new TencentTkeProviderFactory().create("tke", tke.spec(t -> {}), Credentials.NONE))
        .isInstanceOf(ProviderException.InvalidRequest.class).hasMessageContaining("secretId");
  }
}
