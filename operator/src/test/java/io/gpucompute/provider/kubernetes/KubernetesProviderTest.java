package io.gpucompute.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.api.v1alpha1.SpotNodes;
import io.gpucompute.provider.SpotRequest;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kubernetes adapter beyond the contract: the Job it builds, ownership, restarts, and every error path. */
class KubernetesProviderTest {

  private static final String SECRET_VALUE = "s3cr3t-value-9d1f";

  @RegisterExtension
  final FakeClusterExtension kube = new FakeClusterExtension();

  private final List<Runnable> cleanups = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    kube.cluster().fault(null);
    cleanups.forEach(Runnable::run);
  }

  private GpuProvider provider(String namespace) {
    GpuProvider provider = new KubernetesProviderFactory(kube.cluster().client()).create("k8s",
        KubernetesTestSupport.spec(k -> {
          k.setNamespace(namespace);
          Toleration gpuTaint = new Toleration("NoSchedule", "nvidia.com/gpu", "Exists", null, null);
          k.getTolerations().add(gpuTaint);
          k.setRuntimeClassName("nvidia");
          k.setPriorityClassName("gpu-batch");
        }), Credentials.NONE);
    return provider;
  }

  private WorkloadKey key(GpuProvider provider) {
    WorkloadKey key = KubernetesTestSupport.newKey("team-a");
    cleanups.add(() -> {
      try {
        provider.cancel(key);
      } catch (ProviderException e) {
        throw new IllegalStateException(e);
      }
    });
    return key;
  }

  @Test
  void theJobRunsOncePodWithTheGpusAndPlacementAndKeepsEnvValuesOutOfItsSpec() throws ProviderException {
    GpuProvider provider = provider(null);
    WorkloadKey key = key(provider);

    provider.submit(KubernetesTestSupport.shell(key, "a100", "sleep 300", Map.of("TOKEN", SECRET_VALUE)));

    Job job = kube.cluster().client().batch().v1().jobs().inNamespace("team-a").withName(key.workloadName()).get();
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getNodeSelector()).isEqualTo(FakeClusterExtension.A100_NODE);
    assertThat(pod.getTolerations()).extracting(Toleration::getKey).containsExactly("nvidia.com/gpu");
    assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia");
    assertThat(pod.getPriorityClassName()).isEqualTo("gpu-batch");
    var resources = pod.getContainers().get(0).getResources();
    assertThat(resources.getLimits().get("nvidia.com/gpu").toString()).isEqualTo("1");
    assertThat(resources.getLimits().get("cpu").toString()).isEqualTo("2");
    assertThat(resources.getLimits().get("memory").toString()).isEqualTo("8Gi");
    assertThat(job.getMetadata().getLabels()).containsEntry(BatchJobWorkloads.JOB_UID_LABEL, key.uid())
        .containsEntry(BatchJobWorkloads.ATTEMPT_LABEL, "1");
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getApiVersion()).isEqualTo("gpucompute.io/v1alpha1");
      assertThat(owner.getKind()).isEqualTo("GpuJob");
      assertThat(owner.getName()).isEqualTo(key.name());
      assertThat(owner.getUid()).isEqualTo(key.uid());
    });
    assertThat(Serialization.asYaml(job)).contains("TOKEN").doesNotContain(SECRET_VALUE);
    Secret secret = kube.cluster().client().secrets().inNamespace("team-a").withName(key.workloadName()).get();
    assertThat(secret.getData()).containsKey("TOKEN");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid()));
  }

  @Test
  void aSpotAttemptGoesToTheSpotNodesAndAnOnDemandOneDoesNot() throws ProviderException {
    GpuProvider plain = provider(null);
    assertThatThrownBy(() -> plain.submit(KubernetesTestSupport.shell(key(plain), "a100", "true", Map.of())
        .withSpot(SpotRequest.MARKET)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("SpotUnavailable"));
    GpuProvider withSpot = new KubernetesProviderFactory(kube.cluster().client()).create("k8s-spot",
        KubernetesTestSupport.spec(k -> {
          SpotNodes spot = new SpotNodes();
          spot.getNodeSelector().put("node.kubernetes.io/lifecycle", "spot");
          spot.getTolerations().add(new Toleration("NoSchedule", "spot", "Exists", null, null));
          k.setSpot(spot);
        }), Credentials.NONE);
    WorkloadKey spotKey = key(withSpot);
    WorkloadKey steadyKey = key(withSpot);

    withSpot.submit(KubernetesTestSupport.shell(spotKey, "a100", "true", Map.of()).withSpot(SpotRequest.MARKET));
    withSpot.submit(KubernetesTestSupport.shell(steadyKey, "a100", "true", Map.of()));

    var spotPod = kube.cluster().client().batch().v1().jobs().inNamespace("team-a").withName(spotKey.workloadName())
        .get().getSpec().getTemplate().getSpec();
    var steadyPod = kube.cluster().client().batch().v1().jobs().inNamespace("team-a")
        .withName(steadyKey.workloadName()).get().getSpec().getTemplate().getSpec();
    assertThat(spotPod.getNodeSelector()).containsAllEntriesOf(FakeClusterExtension.A100_NODE)
        .containsEntry("node.kubernetes.io/lifecycle", "spot");
    assertThat(spotPod.getTolerations()).extracting(Toleration::getKey).contains("spot");
    assertThat(steadyPod.getNodeSelector()).doesNotContainKey("node.kubernetes.io/lifecycle");
    assertThat(steadyPod.getTolerations() == null ? List.<Toleration>of() : steadyPod.getTolerations())
        .extracting(Toleration::getKey).doesNotContain("spot");
  }

  @Test
  void aJobInAnotherNamespaceCarriesLabelsButNoOwnerReference() throws ProviderException {
    GpuProvider provider = provider("gpu-jobs");
    WorkloadKey key = key(provider);

    SubmitResult submitted = provider.submit(KubernetesTestSupport.shell(key, "A100", "sleep 300", Map.of()));

    assertThat(submitted.externalId()).isEqualTo("gpu-jobs/" + key.workloadName());
    Job job = kube.cluster().client().batch().v1().jobs().inNamespace("gpu-jobs").withName(key.workloadName()).get();
    assertThat(job.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(job.getMetadata().getLabels()).containsEntry(BatchJobWorkloads.JOB_UID_LABEL, key.uid());
    assertThat(job.getMetadata().getAnnotations()).containsEntry(BatchJobWorkloads.JOB_ANNOTATION, "team-a/" + key.name());
  }

  @Test
  void aFreshProviderAfterARestartFindsTheJobAndCreatesNoSecond() throws ProviderException {
    GpuProvider before = provider(null);
    WorkloadKey key = key(before);
    WorkloadSpec spec = KubernetesTestSupport.shell(key, "A100", "sleep 300", Map.of());
    SubmitResult first = before.submit(spec);
    before.close();

    GpuProvider after = provider(null);
    SubmitResult second = after.submit(spec);

    assertThat(second.externalId()).isEqualTo(first.externalId());
    await().atMost(Duration.ofSeconds(10)).until(() -> after.observe(key).state() == WorkloadState.RUNNING);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> kube.cluster().jobsCreated("team-a", key.workloadName()) == 1);
  }

  @Test
  void cancelDeletesTheJobItsPodsAndItsSecret() throws ProviderException {
    GpuProvider provider = provider(null);
    WorkloadKey key = key(provider);
    provider.submit(KubernetesTestSupport.shell(key, "A100", "sleep 300", Map.of("TOKEN", SECRET_VALUE)));
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.observe(key).state() == WorkloadState.RUNNING);

    provider.cancel(key);

    KubernetesClient client = kube.cluster().client();
    assertThat(client.batch().v1().jobs().inNamespace("team-a").withName(key.workloadName()).get()).isNull();
    assertThat(client.secrets().inNamespace("team-a").withName(key.workloadName()).get()).isNull();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(kube.cluster().pods()).isEmpty();
      assertThat(kube.cluster().running("team-a", key.workloadName())).isFalse();
    });
    assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.NOT_FOUND);
  }

  @Test
  void aPodNoNodeFitsIsPendingWithTheSchedulersReason() throws ProviderException {
    GpuProvider provider = provider(null);
    WorkloadKey key = key(provider);

    provider.submit(KubernetesTestSupport.shell(key, "H100", "echo never", Map.of()));

    Observation pending = await().atMost(Duration.ofSeconds(10)).until(() -> provider.observe(key),
        o -> o.message() != null && o.message().contains("Unschedulable"));
    assertThat(pending.state()).isEqualTo(WorkloadState.PENDING);
    assertThat(pending.message()).contains("didn't match Pod's node affinity/selector");
    assertThat(pending.logTail()).isNull();
  }

  @Test
  void anExceededQuotaIsNoCapacitySoTheJobStaysQueued() throws ProviderException {
    GpuProvider provider = provider(null);
    WorkloadKey key = key(provider);
    kube.cluster().fault(request -> "POST".equals(request.getMethod()) && request.getPath().contains("/jobs")
        ? FakeCluster.status(403, "Forbidden", "jobs.batch \"x\" is forbidden: exceeded quota: gpu-jobs, requested: "
            + "count/jobs.batch=1, used: count/jobs.batch=4, limited: count/jobs.batch=4") : null);

    assertThatThrownBy(() -> provider.submit(KubernetesTestSupport.shell(key, "A100", "sleep 300", Map.of())))
        .isInstanceOf(ProviderException.NoCapacity.class).hasMessageContaining("exceeded quota");
  }

  @Test
  void aMissingPermissionIsAConditionThatNamesIt() throws ProviderException {
    GpuProvider provider = provider("team-a");
    WorkloadKey key = key(provider);
    kube.cluster().fault(request -> request.getPath().contains("/jobs") ? FakeCluster.status(403, "Forbidden",
        "jobs.batch is forbidden: User \"system:serviceaccount:gpu:op\" cannot create resource \"jobs\" in API group "
            + "\"batch\"") : null);

    ProbeResult probe = provider.probe();
    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("Forbidden");
    assertThat(probe.message()).contains("list jobs.batch").contains("cannot create resource");
    assertThatThrownBy(() -> provider.submit(KubernetesTestSupport.shell(key, "A100", "sleep 300", Map.of())))
        .isInstanceOfSatisfying(ProviderException.Transient.class,
            e -> assertThat(e.reason()).isEqualTo("Forbidden"))
        .hasMessageContaining("get Job team-a/" + key.workloadName());
  }

  @Test
  void aNamespaceWhereTheOperatorMayNotWriteRefusesTheProviderConfigNamingEveryMissingPermission() {
    GpuProvider provider = provider("gpu-jobs");
    kube.cluster().fault(request -> {
      if (!request.getPath().startsWith(FakeCluster.ACCESS_REVIEWS)) {
        return null;
      }
      String review = request.getUtf8Body();
      boolean denied = review.contains("\"namespace\":\"gpu-jobs\"") && review.contains("\"secrets\"");
      return FakeCluster.accessReviewAnswer(review, !denied);
    });

    ProbeResult probe = provider.probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("Forbidden");
    assertThat(probe.message()).contains("namespace gpu-jobs")
        .contains("get secrets, create secrets, update secrets, patch secrets, delete secrets")
        .doesNotContain("jobs.batch").contains("providers.kubernetes.namespaces");
    assertThat(provider("gpu-jobs-allowed").probe().ready()).as("a namespace with every right").isTrue();
  }

  @Test
  void withoutANamespaceTheProbeChecksTheCredentialsButNoNamespace() {
    kube.cluster().fault(request -> request.getPath().startsWith(FakeCluster.ACCESS_REVIEWS)
        ? FakeCluster.accessReviewAnswer(request.getUtf8Body(), false) : null);

    ProbeResult probe = provider(null).probe();

    assertThat(probe.ready()).as("%s", probe).isTrue();
    assertThat(probe.message()).contains("GpuJobs' own namespaces");
  }

  @Test
  void refusedCredentialsAreInvalidCredentials() {
    GpuProvider provider = provider(null);
    kube.cluster().fault(request -> FakeCluster.status(401, "Unauthorized", "Unauthorized"));

    ProbeResult probe = provider.probe();

    assertThat(probe.ready()).isFalse();
    assertThat(probe.reason()).isEqualTo("InvalidCredentials");
    assertThatThrownBy(() -> provider.observe(KubernetesTestSupport.newKey("team-a")))
        .isInstanceOf(ProviderException.InvalidCredentials.class);
  }

  @Test
  void anUnreachableApiServerIsTransient() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    var config = new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort)
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(2_000).withRequestTimeout(2_000).build();
    try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(config).build()) {
      GpuProvider provider = new KubernetesProviderFactory(unreachable).create("k8s",
          KubernetesTestSupport.spec(k -> {}), Credentials.NONE);

      ProbeResult probe = provider.probe();

      assertThat(probe.ready()).isFalse();
      assertThat(probe.reason()).isEqualTo("Unreachable");
      assertThatThrownBy(() -> provider.observe(KubernetesTestSupport.newKey("team-a")))
          .isInstanceOfSatisfying(ProviderException.Transient.class,
              e -> assertThat(e.reason()).isEqualTo("Unreachable"));
    }
  }

  @Test
  void offersOnePerConfiguredGpuTypeWithUnknownCountAndPrice() throws ProviderException {
    assertThat(provider(null).offers()).extracting(o -> o.gpuType() + " " + o.count() + " " + o.pricePerHour())
        .containsExactly("A100 null null", "H100 null null");
  }

  @Test
  void aJobThatHitItsDeadlineFailsWithTheJobsReason() {
    Job job = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewStatus().addNewCondition()
        .withType("Failed").withStatus("True").withReason("DeadlineExceeded")
        .withMessage("Job was active longer than specified deadline").endCondition().endStatus().build();

    Observation observation = BatchJobWorkloads.verdict("ns/j", job, null, null);

    assertThat(observation.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(observation.message()).contains("DeadlineExceeded");
  }

  @Test
  void aPodTakenOffItsNodeIsPreemptedNotFailedWhateverItsExitCode() {
    Job running = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().build();
    io.fabric8.kubernetes.api.model.Pod evicted = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewStatus().withPhase("Failed")
          .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason("DeletionByTaintManager")
            .withMessage("Taint manager: deleting due to NoExecute taint").endCondition()
          .addNewContainerStatus().withName(BatchJobWorkloads.CONTAINER).withNewState().withNewTerminated().withExitCode(137)
            .endTerminated().endState().endContainerStatus()
        .endStatus().build();
    io.fabric8.kubernetes.api.model.Pod shutDown = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewStatus().withPhase("Failed").withReason("NodeShutdown").withMessage("Pod was terminated in response "
            + "to imminent node shutdown.").endStatus().build();

    Observation preempted = BatchJobWorkloads.verdict("ns/j", running, evicted, null);
    Observation nodeGone = BatchJobWorkloads.verdict("ns/j", running, shutDown, null);

    assertThat(preempted.state()).isEqualTo(WorkloadState.PREEMPTED);
    assertThat(preempted.message()).contains("DeletionByTaintManager");
    assertThat(nodeGone.state()).isEqualTo(WorkloadState.PREEMPTED);
    assertThat(nodeGone.message()).contains("NodeShutdown");
  }
}
