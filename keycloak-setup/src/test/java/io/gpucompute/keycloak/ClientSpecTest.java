package io.gpucompute.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

class ClientSpecTest {

  private static RealmSetup setup(boolean passwordGrant, int lifespan) {
    return new RealmSetup("gpucompute", "kubernetes", RealmSetup.DEFAULT_REDIRECT_URIS, "groups", List.of(),
        List.of(), passwordGrant, lifespan);
  }

  @Test
  void theClientIsPublicWithBrowserAndDeviceSignInAndNoPasswordGrantByDefault() {
    ClientRepresentation client = ClientSpec.representation(setup(false, 0));

    assertThat(client.getClientId()).isEqualTo("kubernetes");
    assertThat(client.isPublicClient()).isTrue();
    assertThat(client.isStandardFlowEnabled()).isTrue();
    assertThat(client.isImplicitFlowEnabled()).isFalse();
    assertThat(client.isDirectAccessGrantsEnabled()).isFalse();
    assertThat(client.isServiceAccountsEnabled()).isFalse();
    assertThat(client.getRedirectUris()).containsExactlyElementsOf(RealmSetup.DEFAULT_REDIRECT_URIS);
    assertThat(client.getAttributes()).containsEntry(ClientSpec.DEVICE_GRANT_ATTRIBUTE, "true")
        .containsEntry(ClientSpec.PKCE_ATTRIBUTE, "S256").containsEntry(ClientSpec.TOKEN_LIFESPAN_ATTRIBUTE, "");
  }

  @Test
  void theGroupsMapperPutsPlainGroupNamesIntoTheIdToken() {
    assertThat(ClientSpec.groupsMapper("groups").getConfig()).containsEntry("claim.name", "groups")
        .containsEntry("full.path", "false").containsEntry("id.token.claim", "true");
  }

  @Test
  void anUnchangedClientDoesNotDifferEvenWithOtherAttributesAndReorderedRedirects() {
    ClientRepresentation wanted = ClientSpec.representation(setup(false, 0));
    ClientRepresentation existing = ClientSpec.representation(setup(false, 0));
    Map<String, String> attributes = new HashMap<>(existing.getAttributes());
    attributes.put("post.logout.redirect.uris", "+");
    existing.setAttributes(attributes);
    existing.setRedirectUris(List.of("http://localhost:18000", "http://localhost:8000"));

    assertThat(ClientSpec.differs(existing, wanted)).isFalse();
  }

  @Test
  void aChangedGrantOrLifespanDiffersAndTheMergeKeepsForeignAttributes() {
    ClientRepresentation existing = ClientSpec.representation(setup(false, 0));
    existing.setAttributes(new HashMap<>(Map.of("post.logout.redirect.uris", "+")));
    ClientRepresentation wanted = ClientSpec.representation(setup(true, 60));

    assertThat(ClientSpec.differs(existing, wanted)).isTrue();
    ClientRepresentation merged = ClientSpec.merged(existing, wanted);
    assertThat(merged.isDirectAccessGrantsEnabled()).isTrue();
    assertThat(merged.getAttributes()).containsEntry(ClientSpec.TOKEN_LIFESPAN_ATTRIBUTE, "60")
        .containsEntry("post.logout.redirect.uris", "+");
    assertThat(ClientSpec.differs(merged, wanted)).isFalse();
  }

  @Test
  void aMapperDiffersOnlyInWhatTheSetUpManages() {
    ProtocolMapperRepresentation wanted = ClientSpec.groupsMapper("groups");
    ProtocolMapperRepresentation existing = ClientSpec.groupsMapper("groups");
    Map<String, String> config = new HashMap<>(existing.getConfig());
    config.put("introspection.token.claim", "true");
    existing.setConfig(config);
    assertThat(ClientSpec.mapperDiffers(existing, wanted)).as("an extra entry Keycloak added").isFalse();

    config.put("full.path", "true");
    assertThat(ClientSpec.mapperDiffers(existing, wanted)).as("group paths instead of names").isTrue();
    assertThat(ClientSpec.mapperDiffers(ClientSpec.groupsMapper("roles"), wanted)).as("another claim").isTrue();
  }
}
