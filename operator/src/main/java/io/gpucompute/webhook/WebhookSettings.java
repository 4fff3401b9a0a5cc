package io.gpucompute.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How the operator serves its admission webhook, read from the environment (docs/operations.md lists the variables).
 *
 * @param port the HTTPS port ({@code GPUCOMPUTE_WEBHOOK_PORT})
 * @param bindAddress the address to listen on, or empty for every interface ({@code GPUCOMPUTE_WEBHOOK_BIND_ADDRESS})
 * @param certDir the directory of {@code tls.crt} and {@code tls.key}, PEM, as a {@code kubernetes.io/tls} Secret
 *     mounts them ({@code GPUCOMPUTE_WEBHOOK_CERT_DIR}); read again when they change
 * @param operatorUsername the user name the operator's own requests carry ({@code GPUCOMPUTE_OPERATOR_USERNAME}): the
 *     GpuJobs it creates for a GpuDag keep the DAG's submitted-by stamp; empty when unset
 */
public record WebhookSettings(int port, Optional<InetAddress> bindAddress, Path certDir,
    Optional<String> operatorUsername) {

  /** The settings, or empty when {@code GPUCOMPUTE_WEBHOOK_PORT} is unset, blank or 0 (no webhook). */
  public static Optional<WebhookSettings> fromEnvironment(Map<String, String> env) {
    String port = env.get("GPUCOMPUTE_WEBHOOK_PORT");
    if (port == null || port.isBlank() || port.strip().equals("0")) {
      return Optional.empty();
    }
    int number;
    try {
      number = Integer.parseInt(port.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("GPUCOMPUTE_WEBHOOK_PORT must be a port number, was '" + port + "'", e);
    }
    String certDir = env.get("GPUCOMPUTE_WEBHOOK_CERT_DIR");
    if (certDir == null || certDir.isBlank()) {
      throw new IllegalArgumentException("GPUCOMPUTE_WEBHOOK_CERT_DIR must name the directory of tls.crt and tls.key "
          + "when GPUCOMPUTE_WEBHOOK_PORT is set");
    }
    return Optional.of(new WebhookSettings(number, address(env.get("GPUCOMPUTE_WEBHOOK_BIND_ADDRESS")),
        Path.of(certDir.strip()), Optional.ofNullable(env.get("GPUCOMPUTE_OPERATOR_USERNAME"))
            .map(String::strip).filter(s -> !s.isEmpty())));
  }

  private static Optional<InetAddress> address(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(value.strip()));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("GPUCOMPUTE_WEBHOOK_BIND_ADDRESS must be an IP address or a host name, was '"
          + value + "'", e);
    }
  }
}
