package io.gpucompute.logarchive;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link S3ProxyServer} for a test class, with one bucket: started before its first test, stopped after its last.
 * Register it as a static field.
 */
final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {

  private final String bucket;
  private Path dir;
  private S3ProxyServer server;

  S3ProxyExtension(String bucket) {
    this.bucket = bucket;
  }

  S3ProxyServer server() {
    return server;
  }

  String bucket() {
    return bucket;
  }

  /** {@code seq 1 <n>}'s output, as the tests' commands print it: more than 5 MB for n = 750000. */
  static byte[] seq(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      text.append(i).append('\n');
    }
    return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("s3proxy-");
    server = S3ProxyServer.start(dir);
    server.createBucket(bucket);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (var entries = Files.walk(dir)) {
        for (Path entry : entries.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(entry);
        }
      }
    }
  }
}
