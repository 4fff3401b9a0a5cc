package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.api.v1alpha1.LocalProviderSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Building blocks of the Local provider's tests. */
final class LocalTestSupport {

  /** An nvidia-smi that cannot exist, so the declared GPUs are the inventory. */
  static final String NO_NVIDIA_SMI = "gpucompute-test-no-such-nvidia-smi";

  /** The H200 of gpu-samples.md, in the columns the inventory asks for. */
  static final String H200_LINE = "0, NVIDIA H200, 143771, GPU-7e0b2b09-6a13-d6a2-40db-0ef3e2515077";
  static final String H200_UUID = "GPU-7e0b2b09-6a13-d6a2-40db-0ef3e2515077";

  private LocalTestSupport() {}

  /** A Local ProviderConfig spec declaring {@code gpus} ({@code type, count, type, count, ...}). */
  static ProviderConfigSpec spec(Object... gpus) {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Local);
    LocalProviderSpec local = new LocalProviderSpec();
    for (int i = 0; i < gpus.length; i += 2) {
      local.getGpus().add(new LocalGpu((String) gpus[i], (Integer) gpus[i + 1]));
    }
    spec.setLocal(local);
    spec.getPrices().add(new GpuPrice("A100", "1.89"));
    spec.setAllowedNamespaces(TestResources.everyTestNamespace());
    return spec;
  }

  static WorkloadKey newKey(String name) {
    String uid = UUID.randomUUID().toString();
    return new WorkloadKey("team-a", name + "-" + uid.substring(0, 6), uid, 1);
  }

  /** A workload that runs {@code script} with {@code sh -c} on {@code count} GPUs of {@code type}. */
  static WorkloadSpec shell(WorkloadKey key, String type, int count, String script, Map<String, String> env) {
    return new WorkloadSpec(key, "pytorch/pytorch:2.5.1", List.of("sh", "-c"), List.of(script), env,
        new GpuDemand(type, count, null), null, null);
  }

  static WorkloadSpec shell(WorkloadKey key, String type, int count, String script) {
    return shell(key, type, count, script, Map.of());
  }

  /** A fake nvidia-smi in {@code dir} that prints {@code lines}, whatever it is asked. */
  static Path fakeNvidiaSmi(Path dir, String... lines) throws IOException {
    Path script = dir.resolve("nvidia-smi");
    StringBuilder text = new StringBuilder("#!/bin/sh\n");
    Arrays.stream(lines).forEach(line -> text.append("echo '").append(line).append("'\n"));
    Files.writeString(script, text);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  /** Fails unless no process of the workload's group (nor the wrapper) still runs. */
  static void assertNothingLeftRunning(LocalSettings settings, WorkloadKey key) {
    WorkloadDirectory.of(settings, key).process().ifPresent(process -> {
      assertThat(process.isAlive()).as("wrapper process %s alive", process.pid()).isFalse();
      assertThat(ProcessGroupTerminator.groupAlive(process)).as("process group %s alive", process.pid()).isFalse();
    });
  }

  /** Whether the process {@code pid} runs (a zombie does not). */
  static boolean runs(long pid) {
    return ProcessTable.stat(pid).filter(ProcStat::isRunning).isPresent();
  }
}
