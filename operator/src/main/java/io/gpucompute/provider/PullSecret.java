package io.gpucompute.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpucompute.secrets.SecretValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job's pull secret, resolved at submit: the Secret's name and its {@code .dockerconfigjson}, which holds
 * passwords. {@link #toString} names the Secret only.
 *
 * @param secretName the Secret's name in the job's namespace
 * @param dockerConfigJson the Secret's {@code .dockerconfigjson}
 */
public record PullSecret(String secretName, String dockerConfigJson) {

  /** The type of the Secrets a job may name. */
  public static final String TYPE = "kubernetes.io/dockerconfigjson";
  /** Their one key. */
  public static final String KEY = ".dockerconfigjson";

  private static final ObjectMapper JSON = new ObjectMapper();

  public PullSecret {
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(dockerConfigJson, "dockerConfigJson");
  }

  /**
   * The logins it holds, one per registry: {@code auths.<registry>} with {@code username} and {@code password}, or
   * {@code auth} (Base64 of {@code user:password}).
   *
   * @throws ProviderException.InvalidRequest (reason InvalidPullSecret) naming the Secret and what is wrong, never a
   *     value
   */
  public List<RegistryLogin> logins() throws ProviderException.InvalidRequest {
    JsonNode auths;
    try {
      auths = JSON.readTree(dockerConfigJson).path("auths");
    } catch (IOException e) {
      throw invalid("its " + KEY + " is not JSON");
    }
    if (!auths.isObject() || auths.isEmpty()) {
      throw invalid("its " + KEY + " has no auths");
    }
    List<RegistryLogin> logins = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : auths.properties()) {
      logins.add(login(entry.getKey(), entry.getValue()));
    }
    return logins;
  }

  private RegistryLogin login(String registry, JsonNode auth) throws ProviderException.InvalidRequest {
    String username = auth.path("username").asText("");
    String password = auth.path("password").asText("");
    if ((username.isEmpty() || password.isEmpty()) && auth.hasNonNull("auth")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.get("auth").asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw invalid("the auth of registry " + registry + " is not Base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw invalid("the auth of registry " + registry + " is not <user>:<password>");
      }
      username = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    if (username.isEmpty() || password.isEmpty()) {
      throw invalid("registry " + registry + " has no username and password");
    }
    // The password sits inside the secret's JSON (and its Base64 auth): the Scrubber knows the whole value only.
    List<String> secrets = new ArrayList<>(List.of(password));
    if (auth.hasNonNull("auth")) {
      secrets.add(auth.get("auth").asText());
    }
    SecretValues.remember(secrets);
    return new RegistryLogin(registry, username, password);
  }

  private ProviderException.InvalidRequest invalid(String problem) {
    return new ProviderException.InvalidRequest("InvalidPullSecret", "pull secret " + secretName + ": " + problem);
  }

  @Override
  public String toString() {
    return "PullSecret[" + secretName + "]";
  }
}
