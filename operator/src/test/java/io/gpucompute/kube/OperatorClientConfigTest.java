package io.gpucompute.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorClientConfigTest {

  @TempDir
  Path dir;

  private static String kubeconfig(String user) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: https://127.0.0.1:6443
        users:
        - name: admin
          user:
        %s
        contexts:
        - name: local
          context:
            cluster: local
            user: admin
        current-context: local
        """.formatted(user);
  }

  private static final String CERTIFICATE = "    client-certificate-data: Y2VydA==\n    client-key-data: a2V5";
  private static final String TOKEN = "    token: t0ken-from-the-file";

  /** The headers the interceptor sets on a request made two minutes after the client was built. */
  private static Map<String, String> headersOfALaterRequest(Config config) {
    Map<String, String> headers = new HashMap<>();
    BasicBuilder builder = new BasicBuilder() {
      @Override
      public BasicBuilder uri(URI uri) {
        return this;
      }

      @Override
      public BasicBuilder header(String name, String value) {
        headers.put(name, value);
        return this;
      }

      @Override
      public BasicBuilder setHeader(String name, String value) {
        headers.put(name, value);
        return this;
      }
    };
    HttpClient.Factory noRemoteRefresh = () -> {
      throw new AssertionError("no OIDC refresh in these configurations");
    };
    new TokenRefreshInterceptor(config, noRemoteRefresh, Instant.now().minusSeconds(120)).before(builder, null, null);
    return headers;
  }

  @Test
  void aCertificateConfigurationIsNotReadAgainBeforeARequest() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, kubeconfig(CERTIFICATE));
    Config plain = Config.fromKubeconfig(file.toFile());
    Config fixed = OperatorClientConfig.withoutRereadsForCertificates(Config.fromKubeconfig(file.toFile()));

    // The file changes after the clients were built: only a client that reads it again sees the token.
    Files.writeString(file, kubeconfig(TOKEN));

    assertThat(headersOfALaterRequest(plain)).as("fabric8 alone reads the file again")
        .containsEntry("Authorization", "Bearer t0ken-from-the-file");
    assertThat(headersOfALaterRequest(fixed)).doesNotContainKey("Authorization");
    assertThat(fixed.getClientCertData()).isEqualTo("Y2VydA==");
  }

  @Test
  void aTokenConfigurationKeepsItsTokenAndItsRefresh() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, kubeconfig(TOKEN));

    Config config = OperatorClientConfig.withoutRereadsForCertificates(Config.fromKubeconfig(file.toFile()));

    assertThat(config.getOauthTokenProvider()).isNull();
    assertThat(headersOfALaterRequest(config)).containsEntry("Authorization", "Bearer t0ken-from-the-file");
    assertThat(URI.create(config.getMasterUrl()).getPort()).isEqualTo(6443);
  }
}
