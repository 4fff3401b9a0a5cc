package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of a pod's container as a kubelet computes it, read through the API: {@code envFrom} first (Secrets
 * and ConfigMaps, with their prefix), then {@code env} (plain values, {@code secretKeyRef}, {@code configMapKeyRef}).
 * A missing required Secret, ConfigMap or key fails as the kubelet's {@code CreateContainerConfigError} does.
 */
public final class ContainerEnvironment {

  private final KubernetesClient client;
  private final String namespace;

  /** Reads the Secrets and ConfigMaps of {@code namespace} through {@code client}. */
  public ContainerEnvironment(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * The variables of {@code container}, in the order a kubelet sets them.
   *
   * @throws IllegalStateException (CreateContainerConfigError) when a required reference cannot be resolved
   */
  public Map<String, String> of(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getSecretRef() != null) {
        secretData(from.getSecretRef().getName(), Boolean.TRUE.equals(from.getSecretRef().getOptional()))
            .forEach((k, v) -> env.put(prefix + k, v));
      }
      if (from.getConfigMapRef() != null) {
        configMapData(from.getConfigMapRef().getName(), Boolean.TRUE.equals(from.getConfigMapRef().getOptional()))
            .forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      String value = valueOf(variable);
      if (value != null) {
        env.put(variable.getName(), value);
      }
    }
    return env;
  }

  /** The value of one variable; null when an optional reference is missing (the variable is then unset). */
  private String valueOf(EnvVar variable) {
    var from = variable.getValueFrom();
    if (from == null) {
      return variable.getValue() == null ? "" : variable.getValue();
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      return keyOf(secretData(ref.getName(), Boolean.TRUE.equals(ref.getOptional())), "secret", ref.getName(),
          ref.getKey(), Boolean.TRUE.equals(ref.getOptional()));
    }
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      return keyOf(configMapData(ref.getName(), Boolean.TRUE.equals(ref.getOptional())), "configmap", ref.getName(),
          ref.getKey(), Boolean.TRUE.equals(ref.getOptional()));
    }
    throw configError("variable " + variable.getName() + ": only secretKeyRef and configMapKeyRef are supported here");
  }

  private static String keyOf(Map<String, String> data, String kind, String name, String key, boolean optional) {
    String value = data.get(key);
    if (value == null && !optional) {
      throw configError("couldn't find key " + key + " in " + kind + " " + name);
    }
    return value;
  }

  private Map<String, String> secretData(String name, boolean optional) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return missing("secret", name, optional);
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) ->
          data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return data;
  }

  private Map<String, String> configMapData(String name, boolean optional) {
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
    if (configMap == null) {
      return missing("configmap", name, optional);
    }
    return configMap.getData() == null ? Map.of() : configMap.getData();
  }

  private Map<String, String> missing(String kind, String name, boolean optional) {
    if (optional) {
      return Map.of();
    }
    throw configError(kind + " \"" + name + "\" not found in namespace " + namespace);
  }

  private static IllegalStateException configError(String message) {
    return new IllegalStateException("CreateContainerConfigError: " + message);
  }
}
