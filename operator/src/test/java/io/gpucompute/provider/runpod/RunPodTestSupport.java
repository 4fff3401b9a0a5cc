package io.gpucompute.provider.runpod;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/** Building blocks of the RunPod adapter's tests. */
final class RunPodTestSupport {

  private RunPodTestSupport() {}

  /** Fast settings: short log reads, and run-once markers under {@code markerDir} on this host. */
  static RunPodSettings settings(Path markerDir) {
    return new RunPodSettings(Duration.ofSeconds(10), Duration.ofMillis(250), Duration.ofSeconds(3), 200,
        markerDir.toString());
  }

  /** A RunPod ProviderConfig spec aimed at {@code stub}. */
  static ProviderConfigSpec spec(RunPodStub stub, Consumer<RunPodProviderSpec> customize) {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.RunPod);
    spec.setEndpoint(stub.url());
    RunPodProviderSpec runpod = new RunPodProviderSpec();
    customize.accept(runpod);
    spec.setRunpod(runpod);
    return spec;
  }

  static Credentials credentials(String apiKey) {
    return new Credentials(Map.of(RunPodProviderFactory.API_KEY, apiKey));
  }

  static WorkloadKey newKey(String name) {
    String uid = UUID.randomUUID().toString();
    return new WorkloadKey("team-a", name + "-" + uid.substring(0, 6), uid, 1);
  }

  /** A workload that runs {@code script} with {@code sh -c} on {@code count} GPUs of {@code type}. */
  static WorkloadSpec shell(WorkloadKey key, String type, int count, String script, Map<String, String> env) {
    return new WorkloadSpec(key, "runpod/base:0.6.2", List.of("sh", "-c"), List.of(script), env,
        new GpuDemand(type, count, null), null, null);
  }

  static WorkloadSpec shell(WorkloadKey key, String script) {
    return shell(key, "A100", 1, script, Map.of());
  }
}
