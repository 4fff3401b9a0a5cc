package io.gpucompute.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.secrets.SecretValues;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one Secret's data by name. The operator never lists or watches Secrets: it reads the ones that its
 * objects reference, when it needs them. Callers must never log the values; every value read is handed to
 * {@link SecretValues} first, so the {@link io.gpucompute.secrets.Scrubber} masks it wherever it might show up.
 */
public final class SecretData {

  private SecretData() {}

  /** The decoded data of Secret {@code namespace/name}, or empty when it does not exist. */
  public static Optional<Map<String, String>> read(KubernetesClient client, String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Map<String, String> values = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    SecretValues.remember(values.values());
    return Optional.of(values);
  }
}
