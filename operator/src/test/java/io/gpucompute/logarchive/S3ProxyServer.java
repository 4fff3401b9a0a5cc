package io.gpucompute.logarchive;

import io.gpucompute.testprocess.ProcessGroups;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * S3Proxy, an S3-compatible server that checks every request's AWS signature (V2 or V4, presigned URLs included),
 * run as its own process on a free loopback port with in-memory storage, for the log archive's tests. The build copies
 * its jar to {@code target/s3proxy/s3proxy.jar}. {@link #client()} is the official AWS SDK v2 signing with the one key
 * pair the server accepts.
 */
public final class S3ProxyServer implements AutoCloseable {

  /** The one key pair the server accepts. */
  public static final String ACCESS_KEY_ID = "s3proxy-access-key";
  public static final String SECRET_ACCESS_KEY = "s3proxy-secret-key-4b8d21";
  public static final String REGION = "us-east-1";

  private static final Path JAR = Path.of("target", "s3proxy", "s3proxy.jar");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final String endpoint;
  private final Path log;
  private final S3Client client;

  private S3ProxyServer(Process process, String endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
    this.client = S3Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID,
            SECRET_ACCESS_KEY)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        // S3Proxy implements no flexible checksums (x-amz-checksum-mode): ask for them only where S3 requires them.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** Starts the server, its properties and log in {@code workDir}, and waits until it answers. */
  public static S3ProxyServer start(Path workDir) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("no S3Proxy at " + JAR.toAbsolutePath() + " (the operator module's build "
          + "copies it there before the tests)");
    }
    try {
      Files.createDirectories(workDir);
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      String endpoint = "http://127.0.0.1:" + port;
      Path properties = workDir.resolve("s3proxy.properties");
      Files.writeString(properties, String.join("\n",
          "s3proxy.endpoint=" + endpoint,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY_ID,
          "s3proxy.credential=" + SECRET_ACCESS_KEY,
          "jclouds.provider=transient",
          "jclouds.identity=unused",
          "jclouds.credential=unused",
          ""));
      Path log = workDir.resolve("s3proxy.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inNewGroup(List.of(java, "-Xmx256m", "-jar",
          JAR.toAbsolutePath().toString(), "--properties", properties.toString())))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      TestProcessTag.tag(builder.environment(), "s3proxy " + endpoint);
      S3ProxyServer server = new S3ProxyServer(builder.start(), endpoint, log);
      try {
        server.awaitReady();
      } catch (RuntimeException e) {
        server.close();
        throw new IllegalStateException("S3Proxy did not start: " + e.getMessage() + "\n" + server.logText(), e);
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start S3Proxy", e);
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    Awaitility.await("S3Proxy answers on " + endpoint).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("S3Proxy exited with code " + process.exitValue());
          }
          try {
            // An unsigned request: refused (403), which proves it listens and checks signatures.
            return http.send(HttpRequest.newBuilder(URI.create(endpoint + "/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 403;
          } catch (IOException notListeningYet) {
            return false;
          }
        });
  }

  /** The endpoint, {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return endpoint;
  }

  /** The AWS SDK's S3 client, path style, signing with the server's key pair. */
  public S3Client client() {
    return client;
  }

  /** Creates {@code bucket}. */
  public void createBucket(String bucket) {
    client.createBucket(request -> request.bucket(bucket));
  }

  /** The bytes of object {@code key} in {@code bucket}, read with a signed GET. */
  public byte[] read(String bucket, String key) {
    return client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
  }

  /** Puts {@code bytes} as object {@code key} in {@code bucket}, with a signed PUT. */
  public void write(String bucket, String key, byte[] bytes) {
    client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  /** Stops the server (its whole process group) and closes the client. */
  @Override
  public void close() {
    client.close();
    ProcessGroups.kill(process.pid());
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
