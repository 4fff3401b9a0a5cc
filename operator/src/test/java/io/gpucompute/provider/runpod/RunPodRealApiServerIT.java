package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.EnvVarSource;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.SecretKeySelector;
import io.gpucompute.api.v1alpha1.SecretReference;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.ControlPlaneExtension;
import io.gpucompute.e2e.SecretCanary;
import io.gpucompute.job.JobCondition;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.local.LocalProviderFactory;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GpuJob on a RunPod ProviderConfig, aimed at the RunPod stub through {@code spec.endpoint}, run by the operator
 * against the real kube-apiserver (server-side apply, the status subresource, the finalizer), from Submitted to
 * Succeeded with its cost. The stub's ledger holds no live pod afterwards. The API key and a {@code secretKeyRef}
 * env value are the run's {@link SecretCanary}; a second job makes the stub echo its whole input, env included, in a
 * GraphQL error, which must reach no status, Event, metric or log line.
 */
@ExtendWith(ControlPlaneExtension.class)
class RunPodRealApiServerIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension(SecretCanary.VALUE);

  @TempDir
  Path stateDir;

  @Test
  void aGpuJobOnRunPodGoesFromSubmittedToSucceededWithItsCost(ControlPlane plane) {
    String namespace = "e2e-runpod-" + UUID.randomUUID().toString().substring(0, 6);
    String config = namespace;
    try (KubernetesClient client = plane.newClient()) {
      TestResources.createNamespace(client, namespace, Map.of());
      client.resource(new SecretBuilder().withNewMetadata().withName("runpod-credentials").withNamespace(namespace)
          .endMetadata().addToStringData(RunPodProviderFactory.API_KEY, SecretCanary.VALUE)
          .addToStringData("token", SecretCanary.VALUE).build()).create();
      ProviderConfig providerConfig = new ProviderConfig();
      providerConfig.setMetadata(new ObjectMetaBuilder().withName(config).build());
      ProviderConfigSpec spec = RunPodTestSupport.spec(runpod.stub(), r -> {});
      spec.setCredentialsSecretRef(new SecretReference(namespace, "runpod-credentials"));
      providerConfig.setSpec(spec);
      client.resource(providerConfig).create();

      OperatorSettings settings = MockCluster.fastSettings(stateDir.resolve("local"));
      try (GpuComputeOperator operator = GpuComputeOperator.start(client, settings, Clock.systemUTC(), o -> {},
          List.of(new LocalProviderFactory(settings.local()),
              new RunPodProviderFactory(RunPodTestSupport.settings(stateDir))))) {
        client.resource(TestResources.shellJob(namespace, "hello", config, "echo \"$GREETING from RunPod\"",
            s -> s.setEnv(List.of(EnvVar.plain("GREETING", "hello"), canaryEnv())))).create();
        client.resource(TestResources.shellJob(namespace, "echoed", config, "true",
            s -> s.setEnv(List.of(canaryEnv(), EnvVar.plain(RunPodStub.ECHO_ENV, "1"))))).create();

        GpuJob submitted = awaitJob(client, namespace, "hello",
            s -> Conditions.isTrue(s.getConditions(), JobCondition.SUBMITTED) && s.getExternalId() != null);
        GpuJob done = awaitJob(client, namespace, "hello", s -> s.getPhase() == JobPhase.Succeeded);

        GpuJobStatus status = done.getStatus();
        String podId = runpod.stub().allPods().get(0).id;
        assertThat(submitted.getStatus().getExternalId()).isEqualTo(podId);
        assertThat(status.getExitCode()).isZero();
        assertThat(status.getLogTail()).contains("hello from RunPod");
        assertThat(status.getProvider()).isEqualTo("RunPod/" + config);
        assertThat(new BigDecimal(status.getAccruedCost())).isPositive();
        assertThat(Conditions.isTrue(status.getConditions(), JobCondition.COMPLETE)).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(runpod.stub().allPods()).singleElement()
            .satisfies(pod -> assertThat(pod.live()).as("released once the outcome was saved").isFalse()));

        GpuJob echoed = awaitJob(client, namespace, "echoed", s -> s.getMessage() != null
            && s.getMessage().contains("got invalid value"));
        SecretCanary.usedBy("RunPod");
        assertThat(echoed.getStatus().getMessage()).as("RunPod's echo, scrubbed").contains("***")
            .doesNotContain(SecretCanary.VALUE);
        assertThat(SecretCanary.leaksIn(client, operator.metrics().scrape())).isEmpty();
        assertThat(SecretCanary.logLeaks()).isEmpty();

        client.resources(GpuJob.class).inNamespace(namespace).delete();
        await().atMost(WAIT).until(() -> client.resources(GpuJob.class).inNamespace(namespace).list().getItems()
            .isEmpty());
      } finally {
        client.resources(GpuJob.class).inNamespace(namespace).delete();
        client.resources(ProviderConfig.class).withName(config).delete();
        client.namespaces().withName(namespace).delete();
      }
    }
  }

  private static EnvVar canaryEnv() {
    return new EnvVar("TOKEN", null, new EnvVarSource(new SecretKeySelector("runpod-credentials", "token")));
  }

  private static GpuJob awaitJob(KubernetesClient client, String namespace, String name,
      java.util.function.Predicate<GpuJobStatus> condition) {
    return await().atMost(WAIT).until(() -> client.resources(GpuJob.class).inNamespace(namespace).withName(name).get(),
        job -> job != null && job.getStatus() != null && condition.test(job.getStatus()));
  }
}
