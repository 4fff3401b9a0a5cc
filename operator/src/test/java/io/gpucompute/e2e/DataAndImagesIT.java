package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.job.JobCondition;
import io.gpucompute.status.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pull secrets and volumes on the real API server: the schema refuses a volume with two sources naming the field, a
 * Kubernetes job's pod spec has its claim, its emptyDir and its pull secret, and a Local job may use a host path only
 * under its ProviderConfig's allow-list.
 */
class DataAndImagesIT extends OperatorE2eTestBase {

  @Test
  void aKubernetesJobsPodHasItsClaimItsScratchSpaceAndItsPullSecret() {
    String ns = createNamespace("e2e-data");
    apply("""
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: e2e-data-kube
        spec:
          type: Kubernetes
        """);
    apply("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: registry-login
          namespace: %s
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{"auths":{"registry.example.test":{"username":"puller","password":"e2e-pull-4f1d"}}}'
        """.formatted(ns));
    apply("""
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: train
          namespace: %s
        spec:
          providerConfigRef: {name: e2e-data-kube}
          image: registry.example.test/team/train:1
          command: ["python", "train.py"]
          gpu: {type: A100, count: 1}
          imagePullSecrets: [{name: registry-login}]
          volumes:
            - name: imagenet
              mountPath: /data/imagenet
              readOnly: true
              source: {persistentVolumeClaim: {claimName: imagenet}}
            - name: scratch
              mountPath: /scratch
              source: {emptyDir: {sizeLimitGiB: 50}}
        """.formatted(ns));

    Job job = await("the operator created the batch Job").atMost(WAIT).pollInterval(POLL)
        .until(() -> client.batch().v1().jobs().inNamespace(ns).list().getItems(), jobs -> jobs.size() == 1).get(0);

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("registry-login");
    assertThat(pod.getVolumes()).hasSize(2);
    assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("imagenet");
    assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getReadOnly()).isTrue();
    assertThat(pod.getVolumes().get(1).getEmptyDir().getSizeLimit().toString()).isEqualTo("50Gi");
    assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath()
        + ":" + m.getReadOnly()).containsExactly("imagenet:/data/imagenet:true", "scratch:/scratch:null");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
        .as("the pod names the job's own Secret: no copy").doesNotContain(job.getMetadata().getName() + "-registry");
  }

  @Test
  void theSchemaRefusesAVolumeWithTwoSourcesNamingTheField() {
    String ns = createNamespace("e2e-data-schema");

    Kubectl.Result refused = kubectl.runWithInput("""
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: two-sources
          namespace: %s
        spec:
          providerConfigRef: {name: anything}
          image: busybox:1.36
          command: ["true"]
          gpu: {type: A100, count: 1}
          volumes:
            - name: data
              mountPath: /data
              source: {emptyDir: {}, persistentVolumeClaim: {claimName: data}}
        """.formatted(ns), "apply", "-f", "-");

    assertThat(refused.succeeded()).isFalse();
    assertThat(refused.stderr()).contains("spec.volumes.source").contains("at most 1 properties");
  }

  @Test
  void aLocalJobMayUseAHostPathUnderTheAllowListOnly() throws Exception {
    String ns = createNamespace("e2e-data-local");
    Path allowed = Files.createDirectories(workDir.resolve("datasets"));
    Path dataset = Files.createDirectories(allowed.resolve("imagenet"));
    Files.writeString(dataset.resolve("labels.txt"), "cat\ndog\n");
    Path outside = Files.createDirectories(workDir.resolve("elsewhere"));
    apply("""
        apiVersion: gpucompute.io/v1alpha1
        kind: ProviderConfig
        metadata:
          name: e2e-data-local
        spec:
          type: Local
          allowedNamespaces: {matchLabels: {gpucompute.io/e2e: "true"}}
          local:
            gpus: [{type: A100, count: 2}]
            allowedHostPaths: [%s]
        """.formatted(allowed));
    apply(localJob(ns, "inside", dataset));
    apply(localJob(ns, "outside", outside));

    var refused = awaitJob(ns, "outside", "stalled by the allow-list", status -> Conditions.find(
        status.getConditions(), JobCondition.STALLED).filter(c -> Conditions.TRUE.equals(c.getStatus())).isPresent());
    var ran = awaitPhase(ns, "inside", JobPhase.Succeeded);

    Condition stalled = Conditions.find(refused.getStatus().getConditions(), JobCondition.STALLED).orElseThrow();
    assertThat(stalled.getReason()).isEqualTo("HostPathNotAllowed");
    assertThat(stalled.getMessage()).contains(outside.toString()).contains(allowed.toString());
    assertThat(refused.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(refused.getStatus().getAttempts()).as("nothing was started").isIn(null, 0);
    assertThat(ran.getStatus().getLogTail()).contains("cat", "dog");
    assertThat(Files.list(dataset).map(p -> p.getFileName().toString()).toList())
        .as("what the job wrote into its dataset volume").containsExactlyInAnyOrder(List.of("labels.txt", "seen")
            .toArray(String[]::new));
  }

  /** Reads labels.txt from its volume and writes a file there. */
  private static String localJob(String ns, String name, Path hostPath) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: %s
          namespace: %s
        spec:
          providerConfigRef: {name: e2e-data-local}
          image: busybox:1.36
          command: ["sh", "-c", "cat \\"$GPUCOMPUTE_VOLUME_DATASET/labels.txt\\" && touch \\"$GPUCOMPUTE_VOLUME_DATASET/seen\\""]
          gpu: {type: A100, count: 1}
          volumes:
            - name: dataset
              mountPath: /data
              source: {provider: {id: "%s"}}
        """.formatted(name, ns, hostPath);
  }
}
