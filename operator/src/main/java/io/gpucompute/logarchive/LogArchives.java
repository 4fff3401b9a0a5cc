package io.gpucompute.logarchive;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.LogArchiveSpec;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.SecretReference;
import io.gpucompute.kube.SecretData;
import io.gpucompute.provider.ProviderException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Reads the log archive of a ProviderConfig and its credentials Secret, at submit time only. */
public final class LogArchives {

  /** The reason a job is refused for when its ProviderConfig's archive cannot be used. */
  public static final String UNAVAILABLE = "LogArchiveUnavailable";
  static final String ACCESS_KEY_ID = "accessKeyId";
  static final String SECRET_ACCESS_KEY = "secretAccessKey";
  static final String SESSION_TOKEN = "sessionToken";

  private final KubernetesClient client;

  public LogArchives(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The archive of {@code config} (the cached ProviderConfig), or empty when it has none (or is gone: the submit
   * then fails on its own).
   *
   * @throws ProviderException.InvalidRequest (reason {@value #UNAVAILABLE}) when its credentials Secret or a key of it
   *     is missing, naming the Secret and the key, never a value
   */
  public Optional<LogArchive> of(Optional<ProviderConfig> config) throws ProviderException.InvalidRequest {
    if (config.isEmpty() || config.get().getSpec() == null || config.get().getSpec().getLogArchive() == null) {
      return Optional.empty();
    }
    LogArchiveSpec spec = config.get().getSpec().getLogArchive();
    return Optional.of(new LogArchive(spec, keys(config.get().getMetadata().getName(), spec.getCredentialsSecretRef())));
  }

  private LogArchive.Keys keys(String providerConfig, SecretReference ref) throws ProviderException.InvalidRequest {
    String where = "the log archive of ProviderConfig " + providerConfig + ": Secret " + ref.getNamespace() + "/"
        + ref.getName();
    Map<String, String> data = SecretData.read(client, ref.getNamespace(), ref.getName()).orElseThrow(
        () -> new ProviderException.InvalidRequest(UNAVAILABLE, where + " does not exist"));
    for (String key : new String[] {ACCESS_KEY_ID, SECRET_ACCESS_KEY}) {
      if (data.get(key) == null || data.get(key).isBlank()) {
        throw new ProviderException.InvalidRequest(UNAVAILABLE, where + " has no key " + key + " (it has: "
            + new TreeSet<>(data.keySet()) + ")");
      }
    }
    String token = data.get(SESSION_TOKEN);
    return new LogArchive.Keys(data.get(ACCESS_KEY_ID).strip(), data.get(SECRET_ACCESS_KEY).strip(),
        token == null || token.isBlank() ? null : token.strip());
  }
}
