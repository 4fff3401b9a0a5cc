package io.gpucompute.provider;

import java.util.Objects;

/**
 * One registry's login from a pull secret. {@link #toString} names the registry and the user, never the password.
 *
 * @param registry the registry as the pull secret names it (a host, with a port or a scheme and path as some tools
 *     write it)
 * @param username the user
 * @param password the password or token
 */
public record RegistryLogin(String registry, String username, String password) {

  public RegistryLogin {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The registry's host (and port): what an image reference starts with. */
  public String host() {
    String host = registry.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
    int slash = host.indexOf('/');
    return (slash < 0 ? host : host.substring(0, slash)).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "RegistryLogin[registry=" + registry + ", username=" + username + "]";
  }
}
