package io.gpucompute.keycloak;

import java.util.ArrayList;
import java.util.List;

/**
 * The kube-apiserver flags that make it trust a realm set up by {@link RealmConfigurer}. User names come from
 * {@code preferred_username} and both they and the groups get a prefix, so that no identity-provider name can look
 * like one of the API server's own ({@code system:masters} arrives as {@code oidc:system:masters}). The Helm chart's
 * {@code groupPrefix} value must equal {@link #groupsPrefix()}.
 *
 * @param issuerUrl {@code https://<keycloak>/realms/<realm>}
 * @param clientId the realm's client for kubectl; ID tokens name it in {@code aud}
 * @param groupsClaim the claim with the group names
 * @param usernamePrefix put before every user name
 * @param groupsPrefix put before every group name
 * @param caFile the PEM file of the CA that signed Keycloak's serving certificate, or null for the host's roots
 */
public record ApiServerOidcFlags(String issuerUrl, String clientId, String groupsClaim, String usernamePrefix,
    String groupsPrefix, String caFile) {

  /** The prefix for user names and groups that the chart's RBAC bindings expect by default. */
  public static final String DEFAULT_PREFIX = "oidc:";

  /** The flags for a realm on a server, with the default prefixes. */
  public static ApiServerOidcFlags of(RealmSetup setup, String serverUrl, String caFile) {
    return of(setup, serverUrl, caFile, DEFAULT_PREFIX);
  }

  /** The flags for a realm on a server, with the default user-name prefix and {@code groupsPrefix}. */
  public static ApiServerOidcFlags of(RealmSetup setup, String serverUrl, String caFile, String groupsPrefix) {
    return new ApiServerOidcFlags(setup.issuerUrl(serverUrl), setup.clientId(), setup.groupsClaim(), DEFAULT_PREFIX,
        groupsPrefix, caFile);
  }

  /** The flags, one per element, as kube-apiserver takes them. */
  public List<String> asArguments() {
    List<String> flags = new ArrayList<>(List.of(
        "--oidc-issuer-url=" + issuerUrl,
        "--oidc-client-id=" + clientId,
        "--oidc-username-claim=preferred_username",
        "--oidc-username-prefix=" + usernamePrefix,
        "--oidc-groups-claim=" + groupsClaim,
        "--oidc-groups-prefix=" + groupsPrefix));
    if (caFile != null) {
      flags.add("--oidc-ca-file=" + caFile);
    }
    return List.copyOf(flags);
  }
}
