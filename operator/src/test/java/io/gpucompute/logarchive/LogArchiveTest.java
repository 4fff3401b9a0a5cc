package io.gpucompute.logarchive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.LogArchiveSpec;
import io.gpucompute.api.v1alpha1.SecretReference;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.LogShipping;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.LogUploads;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.testprocess.ProcessGroups;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The log archive against S3Proxy, a real S3-compatible server that checks every signature: the URLs the operator
 * presigns write the attempt's object and nothing else, and the shell wrapper of the container providers ships a
 * command's whole output, byte for byte, while it runs and when it ends.
 */
class LogArchiveTest {

  private static final String BUCKET = "gpujob-logs";

  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension(BUCKET);

  @TempDir
  Path temp;

  private static LogArchive archive() {
    LogArchiveSpec spec = new LogArchiveSpec();
    spec.setBucket(BUCKET);
    spec.setEndpoint(s3().endpoint());
    spec.setPathStyle(true);
    spec.setPrefix("team-logs");
    spec.setUploadIntervalSeconds(1);
    spec.setCredentialsSecretRef(new SecretReference("gpucompute-system", "log-archive"));
    return new LogArchive(spec, new LogArchive.Keys(S3ProxyServer.ACCESS_KEY_ID, S3ProxyServer.SECRET_ACCESS_KEY,
        null));
  }

  private static WorkloadKey newKey() {
    String uid = UUID.randomUUID().toString();
    return new WorkloadKey("team-a", "train", uid, 2);
  }

  private static String objectKey(LogUpload upload) {
    return upload.location().substring(("s3://" + BUCKET + "/").length());
  }

  @ParameterizedTest(name = "deadline {0}s -> valid {1}s")
  @CsvSource(textBlock = """
      ,        604800
      60,      3660
      86400,   90000
      604800,  604800
      """)
  void anUploadUrlIsValidForTheDeadlineAndAnHourAtMostSevenDays(Long deadlineSeconds, long validSeconds) {
    Duration deadline = deadlineSeconds == null ? null : Duration.ofSeconds(deadlineSeconds);

    assertThat(LogArchive.validity(deadline)).isEqualTo(Duration.ofSeconds(validSeconds));
  }

  @Test
  void theObjectIsNamedAfterTheJobItsUidAndTheAttempt() {
    WorkloadKey key = new WorkloadKey("team-a", "train", "0a1b", 3);

    assertThat(LogArchive.objectKey("logs/gpu", key)).isEqualTo("logs/gpu/team-a/train/0a1b/attempt-3.log");
    assertThat(LogArchive.objectKey(null, key)).isEqualTo("gpujobs/team-a/train/0a1b/attempt-3.log");
  }

  @Test
  void theUploadUrlWritesTheAttemptsObjectAndNoOther() throws IOException {
    LogUpload upload = archive().upload(newKey(), Duration.ofHours(1), Instant.now());
    Path file = Files.write(temp.resolve("output.log"), S3ProxyExtension.seq(750_000));

    LogUploads.put(file, upload.url());

    assertThat(s3().read(BUCKET, objectKey(upload))).isEqualTo(Files.readAllBytes(file));
    assertThat(upload.toString()).doesNotContain("X-Amz-Signature").doesNotContain(S3ProxyServer.ACCESS_KEY_ID);
    URI elsewhere = URI.create(upload.url().toString().replace("attempt-2.log", "attempt-9.log"));
    Path small = Files.writeString(temp.resolve("small.log"), "overwrite\n");
    assertThatThrownBy(() -> LogUploads.put(small, elsewhere)).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 403").hasMessageNotContaining("X-Amz-Signature");
    assertThatThrownBy(() -> s3().read(BUCKET, objectKey(upload).replace("attempt-2", "attempt-9")))
        .isInstanceOf(NoSuchKeyException.class);
  }

  /** Where an image has no curl, the wrapper uploads with wget, else with python3; with none of them, it fails. */
  @ParameterizedTest(name = "without {0}")
  @CsvSource(textBlock = """
      curl python3,      true
      curl wget,         true
      curl wget python3, false
      """)
  void theWrapperFallsBackToWgetThenPython3(String missing, boolean uploads) throws Exception {
    LogUpload upload = archive().upload(newKey(), null, Instant.now());
    Path file = Files.writeString(temp.resolve("output.log"), "uploaded without " + missing + "\n");
    StringBuilder hide = new StringBuilder();
    for (String tool : missing.split(" ")) {
      hide.append(tool).append("() { return 127; }; ");   // found by command -v, and failing, like a broken tool
    }
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", LogShipping.functions() + hide
        + "gpucompute_put \"$0\" \"$1\"", file.toString(), upload.url().toString()).redirectErrorStream(true);
    TestProcessTag.tag(builder.environment(), "gpucompute_put");
    Process put = builder.start();

    assertThat(put.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(put.exitValue() == 0).as("the upload succeeded").isEqualTo(uploads);
    if (uploads) {
      assertThat(s3().read(BUCKET, objectKey(upload))).isEqualTo(Files.readAllBytes(file));
    }
  }

  @Test
  void theWrapperShipsTheOutputWhileTheCommandRunsAndAllOfItWhenItEndsWithItsExitCode() throws Exception {
    LogUpload upload = archive().upload(newKey(), null, Instant.now());
    Path seen = temp.resolve("environment");
    Path go = temp.resolve("go");
    String script = "echo first; " + TestResources.untilExists(go) + "; env > '" + seen
        + "'; seq 1 750000; exit 3";
    List<String> argv = new ArrayList<>(LogShipping.containerCommand(upload, List.of("sh", "-c", script)));
    ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inNewGroup(argv)).redirectErrorStream(true)
        .redirectOutput(temp.resolve("container.log").toFile());
    builder.environment().put(LogUpload.URL_VARIABLE, upload.url().toString());
    builder.environment().put("TMPDIR", temp.toString());
    TestProcessTag.tag(builder.environment(), "log shipping wrapper");
    Process wrapper = builder.start();
    try {
      await("the output so far is in the archive while the command runs").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> new String(s3().read(BUCKET, objectKey(upload)), StandardCharsets.UTF_8).equals("first\n"));
      Files.writeString(go, "");

      assertThat(wrapper.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      ProcessGroups.kill(wrapper.pid());
    }

    byte[] expected = ("first\n" + new String(S3ProxyExtension.seq(750_000), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
    assertThat(wrapper.exitValue()).as("the command's exit code").isEqualTo(3);
    assertThat(s3().read(BUCKET, objectKey(upload))).as("the archived output").isEqualTo(expected);
    assertThat(Files.readAllBytes(temp.resolve("container.log"))).as("the container's own log").isEqualTo(expected);
    assertThat(Files.readString(seen)).as("the command's environment")
        .doesNotContain(LogUpload.URL_VARIABLE).doesNotContain("X-Amz-Signature")
        .doesNotContain(S3ProxyServer.SECRET_ACCESS_KEY).doesNotContain(S3ProxyServer.ACCESS_KEY_ID);
  }

  private static S3ProxyServer s3() {
    return S3.server();
  }
}
