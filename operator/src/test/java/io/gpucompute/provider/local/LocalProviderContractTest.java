package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadVolume;
import io.gpucompute.provider.GpuProviderContractTest;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Local provider against the provider contract: two declared A100s, no nvidia-smi, {@code sh -c} workloads.
 * Every workload first appends a line to its own file under {@code starts/}: the ground truth of how often it was
 * launched.
 */
class LocalProviderContractTest extends GpuProviderContractTest {

  @TempDir Path temp;

  private LocalSettings settings;
  private Path starts;
  private Path dataset;

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    settings = LocalSettings.enabled(temp.resolve("state"), LocalTestSupport.NO_NVIDIA_SMI, Duration.ofSeconds(2));
    try {
      starts = Files.createDirectories(temp.resolve("starts"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProviderConfigSpec spec = LocalTestSupport.spec("A100", 2);
    try {
      dataset = Files.createDirectories(temp.resolve("datasets").resolve("imagenet"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    spec.getLocal().setAllowedHostPaths(List.of(temp.resolve("datasets").toString()));
    return new LocalProviderFactory(settings).create("local", spec, Credentials.NONE);
  }

  /** Local does not pull: it records the pull secrets, and the submit says so. */
  @Override
  protected Support pullSecrets() {
    return Support.HONOURED;
  }

  @Override
  protected void assertPullSecretUsed(WorkloadKey key, PullSecret secret, SubmitResult submitted) {
    assertThat(submitted.note()).contains("pull secrets [" + secret.secretName() + "] recorded, not used");
  }

  @Override
  protected Support volumes(String kind) {
    return kind.equals("persistentVolumeClaim") ? Support.REFUSED : Support.HONOURED;
  }

  @Override
  protected String providerVolumeId() {
    return dataset.toString();
  }

  /** The process found each volume at the path in its variable: the host path, or a fresh directory. */
  @Override
  protected void assertVolumeMounted(WorkloadKey key, WorkloadVolume volume, Observation finished) {
    Path expected = volume.source() instanceof WorkloadVolume.ProviderStorage ? dataset
        : settings.stateDir().resolve("workloads").resolve(key.workloadName()).resolve("volumes").resolve(volume.name());
    assertThat(finished.logTail()).contains(volume.pathVariable() + "=" + expected);
    assertThat(expected).isDirectory();
  }

  @Override
  protected WorkloadSpec shellWorkload(WorkloadKey key, String gpuType, String script, Map<String, String> env) {
    return workload(key, gpuType, script, env);
  }

  @Override
  protected String offeredGpuType() {
    return "A100";
  }

  @Override
  protected int workloadsStartedFor(WorkloadKey key) {
    try {
      return (int) Files.readAllLines(startsFile(key)).stream().filter(line -> !line.isBlank()).count();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void assertNothingLeftRunning(WorkloadKey key) {
    LocalTestSupport.assertNothingLeftRunning(settings, key);
  }

  @Override
  protected Duration completionTimeout() {
    return Duration.ofSeconds(20);
  }

  private WorkloadSpec workload(WorkloadKey key, String gpuType, String script, Map<String, String> env) {
    return LocalTestSupport.shell(key, gpuType, 1, "echo started >> '" + startsFile(key) + "'; " + script, env);
  }

  private Path startsFile(WorkloadKey key) {
    return starts.resolve(key.workloadName());
  }
}
