package io.gpucompute.provider.local;

import io.gpucompute.provider.GpuProvider;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Local provider against the provider contract: two declared A100s, no nvidia-smi, {@code sh -c} workloads.
 * Every workload first appends a line to its own file under {@code starts/}: the ground truth of how often it was
 * launched.
 */
class LocalGpuProviderContractTest extends GpuProviderContractTest {

  @TempDir Path temp;

  private LocalSettings settings;
  private Path starts;

  @Override
  protected GpuProvider newProvider() throws ProviderException {
    settings = LocalSettings.enabled(temp.resolve("state"), LocalTestSupport.NO_NVIDIA_SMI, Duration.ofSeconds(2));
    try {
      starts = Files.createDirectories(temp.resolve("starts"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LocalProviderFactory(settings).create("local", LocalTestSupport.spec("A100", 2), Credentials.NONE);
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
