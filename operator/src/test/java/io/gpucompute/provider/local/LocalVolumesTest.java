package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host paths a Local job may use, and where its process finds its volumes. */
class LocalVolumesTest {

  @TempDir
  Path temp;

  private Path allowed;
  private LocalVolumes volumes;

  @BeforeEach
  void allowOneDirectory() throws Exception {
    allowed = Files.createDirectories(temp.resolve("datasets"));
    volumes = new LocalVolumes(List.of(allowed.toString()));
  }

  private static WorkloadVolume hostPath(String path) {
    return new WorkloadVolume("data", "/data", false, new WorkloadVolume.ProviderStorage(path));
  }

  private void assertRefused(WorkloadVolume volume, String reason, String... message) {
    assertThatThrownBy(() -> volumes.check(List.of(volume)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContainingAll(message);
  }

  @Test
  void aPathUnderAnAllowedOneIsAllowedAndOutsideItIsNot() throws Exception {
    Path inside = Files.createDirectories(allowed.resolve("imagenet"));
    Path outside = Files.createDirectories(temp.resolve("datasets-old"));

    assertThatCode(() -> volumes.check(List.of(hostPath(inside.toString())))).doesNotThrowAnyException();
    assertThatCode(() -> volumes.check(List.of(hostPath(allowed.toString())))).doesNotThrowAnyException();
    assertRefused(hostPath(outside.toString()), "HostPathNotAllowed", outside.toString(), allowed.toString());
  }

  @Test
  void aLinkOrDotsThatLeadOutOfTheAllowedPathAreRefused() throws Exception {
    Path secret = Files.createDirectories(temp.resolve("secret"));
    Path link = Files.createSymbolicLink(allowed.resolve("link"), secret);

    assertRefused(hostPath(link.toString()), "HostPathNotAllowed", secret.toString());
    assertRefused(hostPath(allowed + "/../secret"), "HostPathNotAllowed", secret.toString());
  }

  @Test
  void aMissingOrRelativePathIsRefused() {
    assertRefused(hostPath(allowed.resolve("missing").toString()), "HostPathNotAllowed", "does not exist");
    assertRefused(hostPath("datasets"), "HostPathNotAllowed", "not absolute");
  }

  @Test
  void nothingIsAllowedWithoutAnAllowList() throws Exception {
    volumes = new LocalVolumes(List.of());

    assertRefused(hostPath(allowed.toString()), "HostPathNotAllowed", "allowedHostPaths []");
  }

  @Test
  void claimsAndReadOnlyVolumesAreRefused() {
    assertRefused(new WorkloadVolume("data", "/data", false, new WorkloadVolume.Claim("data")), "VolumeNotSupported",
        "PersistentVolumeClaims");
    assertRefused(new WorkloadVolume("data", "/data", true, new WorkloadVolume.ProviderStorage(allowed.toString())),
        "VolumeNotSupported", "read-only");
  }

  @Test
  void theProcessFindsEachVolumeInItsVariableAndScratchSpaceIsMadeInTheWorkloadDirectory() throws Exception {
    Path workload = Files.createDirectories(temp.resolve("workload"));

    Map<String, String> variables = volumes.prepare(List.of(hostPath(allowed.toString()),
        new WorkloadVolume("scratch-space", "/scratch", false, new WorkloadVolume.Scratch(null))), workload);

    assertThat(variables).containsExactly(Map.entry("GPUCOMPUTE_VOLUME_DATA", allowed.toRealPath().toString()),
        Map.entry("GPUCOMPUTE_VOLUME_SCRATCH_SPACE", workload.resolve("volumes/scratch-space").toString()));
    assertThat(workload.resolve("volumes/scratch-space")).isEmptyDirectory();
  }
}
