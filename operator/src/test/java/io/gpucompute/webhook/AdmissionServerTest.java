package io.gpucompute.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.e2e.CertificateFiles;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over real HTTPS on loopback, with a certificate the way the chart's Secret holds it (an RSA key in
 * PKCS#1, as Helm's genSignedCert writes it), and a renewed certificate picked up without a restart.
 */
class AdmissionServerTest {

  @TempDir
  Path dir;

  private static HttpClient trusting(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).build();
  }

  private static HttpResponse<String> post(HttpClient client, int port, String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Makes a CA and a serving certificate for 127.0.0.1 named {@code name}, installed as tls.crt and tls.key. */
  private Path install(Path certDir, String name) throws Exception {
    Path ca = CertificateFiles.selfSignedFor127(dir, name);
    CertificateFiles.toTraditionalRsa(dir.resolve(name + ".key"));
    assertThat(Files.readString(dir.resolve(name + ".key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    Files.copy(dir.resolve(name + ".crt"), certDir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dir.resolve(name + ".key"), certDir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    return ca;
  }

  @Test
  void itStampsAndRefusesOverHttpsAndTakesARenewedCertificateWithoutARestart() throws Exception {
    Path certDir = Files.createDirectories(dir.resolve("certs"));
    Path firstCa = install(certDir, "first");
    WebhookSettings settings = new WebhookSettings(0, Optional.of(InetAddress.getLoopbackAddress()), certDir,
        Optional.empty());
    try (AdmissionServer server = AdmissionServer.start(settings)) {
      HttpClient client = trusting(firstCa);
      String create = Reviews.review("GpuJob", "CREATE", "oidc:alice", Reviews.job(null, "local", null), null)
          .toString();

      HttpResponse<String> stamped = post(client, server.port(), "/mutate", create);
      assertThat(stamped.statusCode()).isEqualTo(200);
      JsonNode response = Reviews.json(stamped.body()).path("response");
      assertThat(response.path("allowed").asBoolean()).isTrue();
      assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");

      String cycle = Reviews.review("GpuDag", "CREATE", "oidc:alice", "{\"metadata\":{\"name\":\"d\",\"namespace\":"
          + "\"n\"},\"spec\":{\"tasks\":[{\"name\":\"a\",\"dependsOn\":[\"a\"]}]}}", null).toString();
      JsonNode refused = Reviews.json(post(client, server.port(), "/validate", cycle).body()).path("response");
      assertThat(refused.path("allowed").asBoolean()).isFalse();
      assertThat(refused.path("status").path("code").asInt()).isEqualTo(422);

      assertThat(post(client, server.port(), "/mutate", "not json").statusCode()).isEqualTo(400);

      // cert-manager renews the pair in place: the next handshake serves the new one.
      Path secondCa = install(certDir, "second");
      FileTime later = FileTime.from(Instant.now().plusSeconds(5));
      Files.setLastModifiedTime(certDir.resolve("tls.crt"), later);
      Files.setLastModifiedTime(certDir.resolve("tls.key"), later);
      assertThat(post(trusting(secondCa), server.port(), "/mutate", create).statusCode()).isEqualTo(200);
    }
  }
}
