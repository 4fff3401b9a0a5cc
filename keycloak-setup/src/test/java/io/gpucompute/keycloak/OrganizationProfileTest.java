package io.gpucompute.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;

class OrganizationProfileTest {

  private static UPConfig defaultProfile() {
    UPConfig config = new UPConfig();
    config.addOrReplaceAttribute(new UPAttribute("username"));
    config.addOrReplaceAttribute(new UPAttribute("email"));
    return config;
  }

  @Test
  void theAttributeIsDeclaredOnceUserEditableAndBounded() {
    UPConfig declared = OrganizationProfile.declaredIn(defaultProfile()).orElseThrow();

    UPAttribute organization = declared.getAttribute("organization");
    assertThat(organization.getPermissions().getEdit()).containsExactlyInAnyOrder("user", "admin");
    assertThat(organization.getPermissions().getView()).containsExactlyInAnyOrder("user", "admin");
    assertThat(organization.getRequired()).as("optional").isNull();
    assertThat(organization.getValidations()).containsEntry("length", Map.of("max", 255));
    assertThat(declared.getAttributes()).extracting(UPAttribute::getName)
        .containsExactly("username", "email", "organization");
    assertThat(OrganizationProfile.declaredIn(declared)).as("a second run changes nothing").isEmpty();
  }

  @Test
  void anAttributeThatOnlyAdminsMayEditBecomesUserEditableAndKeepsItsOtherSettings() {
    UPConfig config = defaultProfile();
    UPAttribute adminOnly = new UPAttribute("organization", new UPAttributePermissions(Set.of("admin"),
        Set.of("admin")));
    adminOnly.setDisplayName("Company");
    config.addOrReplaceAttribute(adminOnly);

    UPAttribute updated = OrganizationProfile.declaredIn(config).orElseThrow().getAttribute("organization");

    assertThat(updated.getPermissions().getEdit()).containsExactlyInAnyOrder("user", "admin");
    assertThat(updated.getDisplayName()).isEqualTo("Company");
  }

  @Test
  void theMapperPutsTheAttributeIntoTheIdTokenAsAString() {
    var mapper = OrganizationProfile.mapper();

    assertThat(mapper.getProtocolMapper()).isEqualTo("oidc-usermodel-attribute-mapper");
    assertThat(mapper.getConfig()).containsEntry("user.attribute", "organization")
        .containsEntry("claim.name", "organization").containsEntry("id.token.claim", "true")
        .containsEntry("jsonType.label", "String");
    assertThat(ClientSpec.mapperDiffers(mapper, OrganizationProfile.mapper())).isFalse();
  }
}
