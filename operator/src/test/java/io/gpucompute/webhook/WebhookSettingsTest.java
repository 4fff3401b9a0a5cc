package io.gpucompute.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

  @Test
  void noPortMeansNoWebhook() {
    assertThat(WebhookSettings.fromEnvironment(Map.of())).isEmpty();
    assertThat(WebhookSettings.fromEnvironment(Map.of("GPUCOMPUTE_WEBHOOK_PORT", "0"))).isEmpty();
    assertThat(WebhookSettings.fromEnvironment(Map.of("GPUCOMPUTE_WEBHOOK_PORT", " "))).isEmpty();
  }

  @Test
  void aPortNeedsACertificateDirectory() {
    WebhookSettings settings = WebhookSettings.fromEnvironment(Map.of("GPUCOMPUTE_WEBHOOK_PORT", "9443",
        "GPUCOMPUTE_WEBHOOK_CERT_DIR", "/etc/webhook", "GPUCOMPUTE_WEBHOOK_BIND_ADDRESS", "127.0.0.1",
        "GPUCOMPUTE_OPERATOR_USERNAME", "system:serviceaccount:ns:sa")).orElseThrow();

    assertThat(settings.port()).isEqualTo(9443);
    assertThat(settings.certDir()).isEqualTo(Path.of("/etc/webhook"));
    assertThat(settings.bindAddress()).hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("127.0.0.1"));
    assertThat(settings.operatorUsername()).isEqualTo(Optional.of("system:serviceaccount:ns:sa"));
    assertThatThrownBy(() -> WebhookSettings.fromEnvironment(Map.of("GPUCOMPUTE_WEBHOOK_PORT", "9443")))
        .hasMessageContaining("GPUCOMPUTE_WEBHOOK_CERT_DIR");
    assertThatThrownBy(() -> WebhookSettings.fromEnvironment(Map.of("GPUCOMPUTE_WEBHOOK_PORT", "https",
        "GPUCOMPUTE_WEBHOOK_CERT_DIR", "/x"))).hasMessageContaining("GPUCOMPUTE_WEBHOOK_PORT");
  }
}
