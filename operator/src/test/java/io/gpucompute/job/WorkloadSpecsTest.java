package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gpucompute.api.v1alpha1.ArchivedLog;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.EmptyDirVolumeSource;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.ImagePullSecret;
import io.gpucompute.api.v1alpha1.LogArchiveSpec;
import io.gpucompute.api.v1alpha1.SecretReference;
import io.gpucompute.api.v1alpha1.Volume;
import io.gpucompute.api.v1alpha1.VolumeSource;
import io.gpucompute.api.v1alpha1.ClaimVolumeSource;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadVolume;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a job's pull secrets, volumes and log archive become in its WorkloadSpec, and when it is refused instead. */
@EnableKubernetesMockClient(crud = true, https = false)
class WorkloadSpecsTest {

  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

  KubernetesClient client;

  private WorkloadSpec build(Consumer<io.gpucompute.api.v1alpha1.GpuJobSpec> customize)
      throws ProviderException.InvalidRequest {
    GpuJob job = TestResources.shellJob("team-a", "train", "archived", "echo hi", customize);
    job.getMetadata().setUid("0a1b2c3d");
    ProviderConfig cached = client.resources(ProviderConfig.class).withName(job.getSpec().getProviderConfigRef()
        .getName()).get();
    return new WorkloadSpecs(client, "installation-1", Clock.fixed(NOW, ZoneOffset.UTC)).build(job, 1,
        Optional.ofNullable(cached));
  }

  private void dockerConfigSecret(String name, String type, String key) {
    client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace("team-a").endMetadata()
        .withType(type).withStringData(Map.of(key, "{\"auths\":{\"registry.example.test\":{\"username\":\"u\","
            + "\"password\":\"secret-pw-31\"}}}")).build()).create();
  }

  private void archivedProviderConfig(String secretName) {
    LogArchiveSpec archive = new LogArchiveSpec();
    archive.setBucket("logs");
    archive.setEndpoint("http://127.0.0.1:9000");
    archive.setPathStyle(true);
    archive.setCredentialsSecretRef(new SecretReference("ops", secretName));
    client.resource(TestResources.localProvider("archived", 1, spec -> spec.setLogArchive(archive))).create();
  }

  @Test
  void pullSecretsAreReadFromTheJobsNamespaceAndNeverPrinted() throws ProviderException.InvalidRequest {
    dockerConfigSecret("registry-login", "kubernetes.io/dockerconfigjson", ".dockerconfigjson");

    WorkloadSpec spec = build(s -> s.setImagePullSecrets(List.of(new ImagePullSecret("registry-login"))));

    assertThat(spec.pullSecrets()).singleElement().satisfies(secret -> {
      assertThat(secret.secretName()).isEqualTo("registry-login");
      assertThat(secret.dockerConfigJson()).contains("secret-pw-31");
    });
    assertThat(spec.toString()).contains("registry-login").doesNotContain("secret-pw-31");
  }

  @Test
  void aMissingPullSecretOrOneOfAnotherTypeIsRefusedNamingIt() {
    dockerConfigSecret("opaque", "Opaque", "config.json");

    assertThatThrownBy(() -> build(s -> s.setImagePullSecrets(List.of(new ImagePullSecret("missing")))))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("SecretNotFound")).hasMessageContaining("team-a/missing");
    assertThatThrownBy(() -> build(s -> s.setImagePullSecrets(List.of(new ImagePullSecret("opaque")))))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InvalidPullSecret"))
        .hasMessageContaining("kubernetes.io/dockerconfigjson").hasMessageNotContaining("secret-pw-31");
  }

  @Test
  void volumesBecomeWorkloadVolumesAndTwoAtOnePathAreRefused() throws ProviderException.InvalidRequest {
    Volume data = new Volume("data", "/data", true, new VolumeSource(new ClaimVolumeSource("imagenet"), null, null));
    Volume scratch = new Volume("scratch", "/scratch", null, new VolumeSource(null, null, new EmptyDirVolumeSource(5)));
    Volume clash = new Volume("other", "/data", null, new VolumeSource(null, null, new EmptyDirVolumeSource()));

    assertThat(build(s -> s.setVolumes(List.of(data, scratch))).volumes()).containsExactly(
        new WorkloadVolume("data", "/data", true, new WorkloadVolume.Claim("imagenet")),
        new WorkloadVolume("scratch", "/scratch", false, new WorkloadVolume.Scratch(5)));
    assertThatThrownBy(() -> build(s -> s.setVolumes(List.of(data, clash))))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InvalidVolume")).hasMessageContaining("spec.volumes[1].mountPath");
  }

  @Test
  void withALogArchiveTheAttemptGetsAPresignedUrlOfItsObjectOnlyAndTheKeysStayHere() throws Exception {
    archivedProviderConfig("log-archive");
    client.resource(new SecretBuilder().withNewMetadata().withName("log-archive").withNamespace("ops").endMetadata()
        .withStringData(Map.of("accessKeyId", "AKIDLOGS", "secretAccessKey", "log-secret-key-77")).build()).create();

    WorkloadSpec spec = build(s -> s.setActiveDeadlineSeconds(3600L));

    LogUpload upload = spec.logUpload();
    assertThat(upload.location()).isEqualTo("s3://logs/gpujobs/team-a/train/0a1b2c3d/attempt-1.log");
    assertThat(upload.url().toString()).startsWith("http://127.0.0.1:9000/logs/gpujobs/team-a/train/0a1b2c3d/"
        + "attempt-1.log?").contains("X-Amz-Signature=").contains("X-Amz-Expires=7200")
        .doesNotContain("log-secret-key-77");
    assertThat(upload.expires()).isEqualTo(NOW.plus(Duration.ofHours(2)));
    assertThat(spec.toString()).doesNotContain("X-Amz-Signature");
  }

  @Test
  void aLogArchiveWithoutItsSecretRefusesTheJobNamingTheSecret() {
    archivedProviderConfig("gone");

    assertThatThrownBy(() -> build(s -> {}))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("LogArchiveUnavailable")).hasMessageContaining("ops/gone");
  }

  @Test
  void statusLogsNameEachAttemptsObjectOnce() {
    GpuJobStatus status = new GpuJobStatus();
    status.setLogs(List.of(new ArchivedLog(1, "s3://logs/a/attempt-1.log", null)));
    status.setWorkload(new AttemptRecord(2, "gpujob-x-2", "archived", "uid", false));
    Decision recorded = new Decision(status, new Decision.Submit(2), null);
    LogUpload upload = new LogUpload("s3://logs/a/attempt-2.log", "http://127.0.0.1:9000", URI.create("http://x/y"),
        Duration.ofMinutes(5), NOW);

    Decision noted = ArchivedLogs.noted(recorded, 2, upload);

    assertThat(noted.status().getLogs()).containsExactly(new ArchivedLog(1, "s3://logs/a/attempt-1.log", null),
        new ArchivedLog(2, "s3://logs/a/attempt-2.log", "http://127.0.0.1:9000"));
    assertThat(ArchivedLogs.noted(noted, 2, upload)).isSameAs(noted);
    assertThat(ArchivedLogs.noted(recorded, 2, null)).isSameAs(recorded);
    assertThat(status.getLogs()).as("the recorded status is not changed").hasSize(1);
  }
}
