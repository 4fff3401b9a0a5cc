package io.gpucompute.keycloak;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a Keycloak realm needs so that kube-apiserver accepts its ID tokens: the realm, one OIDC client whose id is the
 * API server's {@code --oidc-client-id}, a claim that lists the user's groups, the groups themselves and, optionally,
 * first users. {@link RealmConfigurer} makes a server match it.
 *
 * @param realm the realm's name; the issuer is {@code <server>/realms/<realm>}
 * @param clientId the public OIDC client that kubectl signs in through (kube-apiserver {@code --oidc-client-id})
 * @param redirectUris where the client may send a browser back to: kubelogin's loopback listeners by default
 * @param groupsClaim the ID token claim that lists the user's group names (kube-apiserver {@code --oidc-groups-claim})
 * @param groups the groups to create: the teams' groups and the admins' group, named as RBAC bindings name them
 *     (without the API server's {@code --oidc-groups-prefix})
 * @param users first users with their groups; empty where users come from a directory (LDAP, another IdP)
 * @param passwordGrant whether the client accepts the resource-owner password grant (scripts and tests); off by default,
 *     since people should sign in through the browser or the device flow
 * @param idTokenLifespanSeconds lifespan of the client's tokens in seconds, or 0 for the realm's default
 */
public record RealmSetup(
    String realm,
    String clientId,
    List<String> redirectUris,
    String groupsClaim,
    List<String> groups,
    List<RealmUser> users,
    boolean passwordGrant,
    int idTokenLifespanSeconds) {

  /** kubelogin's default loopback listeners ({@code kubectl oidc-login}). */
  public static final List<String> DEFAULT_REDIRECT_URIS =
      List.of("http://localhost:8000", "http://localhost:18000");

  public RealmSetup {
    requireName(realm, "realm");
    requireName(clientId, "client id");
    requireName(groupsClaim, "groups claim");
    redirectUris = List.copyOf(redirectUris);
    groups = List.copyOf(groups);
    users = List.copyOf(users);
    groups.forEach(group -> requireName(group, "group"));
    if (idTokenLifespanSeconds < 0) {
      throw new IllegalArgumentException("the token lifespan must be 0 (the realm's default) or positive, not "
          + idTokenLifespanSeconds);
    }
    Set<String> known = Set.copyOf(groups);
    Set<String> usernames = new LinkedHashSet<>();
    for (RealmUser user : users) {
      if (!usernames.add(user.username())) {
        throw new IllegalArgumentException("user " + user.username() + " is listed twice");
      }
      for (String group : user.groups()) {
        if (!known.contains(group)) {
          throw new IllegalArgumentException("user " + user.username() + " is in group " + group
              + ", which is not among the groups to create " + groups);
        }
      }
    }
  }

  /** The issuer URL that Keycloak puts in this realm's tokens (kube-apiserver {@code --oidc-issuer-url}). */
  public String issuerUrl(String serverUrl) {
    return stripTrailingSlash(serverUrl) + "/realms/" + realm;
  }

  static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static void requireName(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || !value.strip().equals(value) || value.contains("/")) {
      throw new IllegalArgumentException("invalid " + what + " '" + value
          + "': it must be non-empty, without surrounding spaces or '/'");
    }
  }
}
