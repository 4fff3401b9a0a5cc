package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.LogArchiveSpec;
import io.gpucompute.api.v1alpha1.SecretReference;
import io.gpucompute.logarchive.LogArchive;
import io.gpucompute.logarchive.S3ProxyServer;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log archive on ECS, where the instance itself ships the container's output (the stub's instances have no
 * curl, so this is the wget fallback), against S3Proxy: the whole output is in the bucket once the adapter sees the
 * workload finished.
 */
class EcsLogArchiveTest {

  private static final String BUCKET = "ecs-logs";
  private static S3ProxyServer s3;

  @RegisterExtension
  final EcsStubExtension ecs = new EcsStubExtension();

  @BeforeAll
  static void startS3(@TempDir Path dir) {
    s3 = S3ProxyServer.start(dir);
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void theInstanceShipsTheContainersWholeOutputBeforeItsExitCodeIsRead() throws ProviderException {
    LogArchiveSpec archive = new LogArchiveSpec();
    archive.setBucket(BUCKET);
    archive.setEndpoint(s3.endpoint());
    archive.setPathStyle(true);
    archive.setCredentialsSecretRef(new SecretReference("ops", "logs"));
    WorkloadKey key = AlibabaTestSupport.newKey("archived");
    LogUpload upload = new LogArchive(archive, new LogArchive.Keys(S3ProxyServer.ACCESS_KEY_ID,
        S3ProxyServer.SECRET_ACCESS_KEY, null)).upload(key, null, Instant.now());
    WorkloadSpec spec = AlibabaTestSupport.shell(key, "A10", 1, "seq 1 20000; echo done", Map.of())
        .withLogUpload(upload);
    GpuProvider provider = new AlibabaEcsProviderFactory(AlibabaTestSupport.SETTINGS)
        .create("alibaba", AlibabaTestSupport.spec(ecs.stub(), a -> {}), AlibabaTestSupport.credentials());
    try {
      provider.submit(spec);
      Observation finished = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> provider.observe(key), o -> o.state().isFinished());

      assertThat(finished.state()).isEqualTo(WorkloadState.SUCCEEDED);
      StringBuilder expected = new StringBuilder();
      for (int i = 1; i <= 20000; i++) {
        expected.append(i).append('\n');
      }
      expected.append("done\n");
      String objectKey = upload.location().substring(("s3://" + BUCKET + "/").length());
      assertThat(new String(s3.read(BUCKET, objectKey), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    } finally {
      provider.cancel(key);
      provider.close();
    }
  }
}
