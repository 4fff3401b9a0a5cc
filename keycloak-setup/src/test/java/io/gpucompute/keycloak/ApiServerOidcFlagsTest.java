package io.gpucompute.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiServerOidcFlagsTest {

  private static final RealmSetup SETUP = new RealmSetup("gpucompute", "kubernetes", RealmSetup.DEFAULT_REDIRECT_URIS,
      "groups", List.of("team-a"), List.of(), false, 0);

  @Test
  void theFlagsTrustTheRealmsIssuerAndPrefixNamesAndGroups() {
    ApiServerOidcFlags flags = ApiServerOidcFlags.of(SETUP, "https://127.0.0.1:8443", "/etc/kubernetes/kc-ca.pem");

    assertThat(flags.asArguments()).containsExactly(
        "--oidc-issuer-url=https://127.0.0.1:8443/realms/gpucompute",
        "--oidc-client-id=kubernetes",
        "--oidc-username-claim=preferred_username",
        "--oidc-username-prefix=oidc:",
        "--oidc-groups-claim=groups",
        "--oidc-groups-prefix=oidc:",
        "--oidc-ca-file=/etc/kubernetes/kc-ca.pem");
  }

  @Test
  void withoutACaFileTheApiServerUsesItsHostsRoots() {
    assertThat(ApiServerOidcFlags.of(SETUP, "https://kc.test", null).asArguments())
        .noneMatch(flag -> flag.startsWith("--oidc-ca-file"));
  }

  @Test
  void theGroupsPrefixFollowsTheChart() {
    assertThat(ApiServerOidcFlags.of(SETUP, "https://kc.test", null, "corp:").asArguments())
        .contains("--oidc-groups-prefix=corp:", "--oidc-username-prefix=oidc:");
  }
}
