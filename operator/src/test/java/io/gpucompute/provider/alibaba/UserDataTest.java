package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.EnvVarSource;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.SecretKeySelector;
import io.gpucompute.job.WorkloadSpecs;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The UserData script rendered from a GpuJob, what it contains, and that bash runs it as meant. */
@EnableKubernetesMockClient(crud = true, https = false)
class UserDataTest {

  /** The cluster the job is read against: it holds no ProviderConfig, so the job has no log archive. */
  KubernetesClient client;

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

  private static GpuJob job() {
    GpuJob job = TestResources.shellJob("team-a", "train", "alibaba", "python train.py --epochs 3", spec -> {
      spec.setImage("registry.example/team/train:1.2");
      spec.setArgs(List.of("--name", "it's a run"));
      spec.setGpu(GpuRequest.of("A10", 1));
      spec.setEnv(List.of(EnvVar.plain("GREETING", "hello"), EnvVar.plain("QUOTED", "a 'b' \"c\" $HOME `x`")));
    });
    job.setMetadata(new ObjectMetaBuilder().withName("train").withNamespace("team-a")
        .withUid("3f1c9a7e-52d1-4c55-9d1e-0a6b2f1c7e11").build());
    return job;
  }

  @Test
  void rendersAScriptThatRunsTheJobsContainerOnceWithTheNvidiaRuntime() throws ProviderException {
    WorkloadSpec spec = new WorkloadSpecs(client, null).build(job(), 2, Optional.empty());

    String script = UserData.render(spec);

    assertThat(script).startsWith("#!/bin/bash\n")
        .contains("workload gpujob-3f1c9a7e-52d1-4c55-9d1e-0a6b2f1c7e11-2 (GpuJob team-a/train)")
        .contains("if [ -e \"$GPUJOB_DIR/started\" ]; then exit 0; fi")
        .contains("nvidia-ctk runtime configure --runtime=docker")
        .contains("export GREETING=hello\n")
        .contains("export QUOTED='a '\\''b'\\'' \"c\" $HOME `x`'\n")
        .contains("docker run -d --name gpujob --gpus all --runtime=nvidia -e GREETING -e QUOTED --entrypoint sh "
            + "registry.example/team/train:1.2 -c 'python train.py --epochs 3' --name 'it'\\''s a run'")
        .contains("docker wait gpujob")
        .contains("finish 125");
    assertThat(new String(Base64.getDecoder().decode(UserData.encoded(script)), StandardCharsets.UTF_8))
        .isEqualTo(script);
  }

  @Test
  void theStatusCommandAndItsOutputAgree() {
    assertThat(UserData.statusCommand(50)).contains("docker logs --tail 50 gpujob").contains(UserData.EXIT_MARKER);

    assertThat(UserData.parse("line 1\nline 2\n__GPUJOB_EXIT__3\n"))
        .isEqualTo(new UserData.Status("line 1\nline 2", 3, true));
    assertThat(UserData.parse("still going\n__GPUJOB_EXIT__\n"))
        .isEqualTo(new UserData.Status("still going", null, true));
    assertThat(UserData.parse("cut off")).isEqualTo(new UserData.Status("cut off", null, false));
  }

  /**
   * A value read from a Secret would be readable in the clear through DescribeUserData, so a secretKeyRef env is
   * refused, naming the variable and the reason, never the value; nothing reaches ECS.
   */
  @Test
  void aSecretKeyRefEnvIsRefusedRatherThanWrittenIntoTheUserData() {
    String secret = "hf_" + java.util.UUID.randomUUID();
    try (MockCluster cluster = MockCluster.start()) {
      TestResources.createNamespace(cluster.client(), "team-a", Map.of());
      TestResources.createSecret(cluster.client(), "team-a", "hf", Map.of("token", secret));
      GpuJob job = job();
      job.getSpec().setEnv(List.of(EnvVar.plain("GREETING", "hello"), new EnvVar("HF_TOKEN", null,
          new EnvVarSource(new SecretKeySelector("hf", "token")))));

      assertThatThrownBy(() -> UserData.render(new WorkloadSpecs(cluster.client(), null).build(job, 1, Optional.empty())))
          .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
              e -> assertThat(e.reason()).isEqualTo(UserData.SECRET_ENV_REFUSED))
          .hasMessageContaining("env HF_TOKEN").hasMessageContaining("ecs:DescribeUserData")
          .message().doesNotContain(secret);
    }
  }

  @Test
  void envNamesThatAreNotShellNamesAreRefused() {
    WorkloadSpec spec = new WorkloadSpec(AlibabaTestSupport.newKey("bad-env"), "img:1", List.of("true"), List.of(),
        Map.of("NOT-A-NAME", "x"), new GpuDemand("A10", 1, null), null, null);

    assertThatThrownBy(() -> UserData.render(spec)).isInstanceOf(ProviderException.InvalidRequest.class)
        .hasMessageContaining("NOT-A-NAME");
  }

  @Test
  void bashRunsItWithArgvAndEnvIntactOnAStubInstance() throws ProviderException {
    GpuProvider provider = new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS)
        .create("alibaba", AlibabaTestSupport.spec(ecs.stub(), a -> {}), AlibabaTestSupport.credentials());
    WorkloadKey key = AlibabaTestSupport.newKey("roundtrip");
    String tricky = "a 'b' \"c\" $HOME `x` \\ end";
    WorkloadSpec spec = new WorkloadSpec(key, "img:1", List.of("sh", "-c"),
        List.of("printf '[%s]\\n' \"$0\" \"$1\" \"$TRICKY\"", "arg 'zero'", "arg\tone"), Map.of("TRICKY", tricky),
        new GpuDemand("A10", 1, null), null, null);

    provider.submit(spec);
    Observation done = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(key), o -> o.state().isFinished());

    assertThat(done.state()).as("%s", done).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(done.logTail()).isEqualTo("[arg 'zero']\n[arg\tone]\n[" + tricky + "]");
    assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement()
        .satisfies(i -> assertThat(i.live()).as("kept until the operator releases it").isTrue());
    provider.cancel(key);
    assertThat(ecs.stub().instancesOf(key.workloadName())).singleElement()
        .satisfies(i -> assertThat(i.live()).as("released by the cancel").isFalse());
  }
}
