package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiInventoryTest {

  @TempDir Path temp;

  @Test
  void readsTheGpusNvidiaSmiReports() throws IOException {
    Path nvidiaSmi = LocalTestSupport.fakeNvidiaSmi(temp, LocalTestSupport.H200_LINE, "garbage line");

    assertThat(inventory(nvidiaSmi.toString(), Duration.ofSeconds(10)).read())
        .extracting(GpuDevice::type, GpuDevice::uuid)
        .containsExactly(tuple("H200", LocalTestSupport.H200_UUID));
  }

  @Test
  void anAbsentNvidiaSmiIsNoGpus() {
    assertThat(inventory(LocalTestSupport.NO_NVIDIA_SMI, Duration.ofSeconds(10)).read()).isEmpty();
  }

  @Test
  void aFailingNvidiaSmiIsNoGpus() throws IOException {
    Path nvidiaSmi = script("echo '" + LocalTestSupport.H200_LINE + "'; exit 9");

    assertThat(inventory(nvidiaSmi.toString(), Duration.ofSeconds(10)).read()).isEmpty();
  }

  @Test
  void aHangingNvidiaSmiIsNoGpusOnceTheTimeoutPasses() throws IOException {
    Path nvidiaSmi = script("exec sleep 60");
    long start = System.nanoTime();

    assertThat(inventory(nvidiaSmi.toString(), Duration.ofMillis(300)).read()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  private static NvidiaSmiInventory inventory(String command, Duration timeout) {
    return new NvidiaSmiInventory(command, timeout);
  }

  private Path script(String body) throws IOException {
    Path script = temp.resolve("nvidia-smi-" + Math.abs(body.hashCode()));
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
