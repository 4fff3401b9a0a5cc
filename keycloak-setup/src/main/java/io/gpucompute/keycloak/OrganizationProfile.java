package io.gpucompute.keycloak;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * The {@code organization} attribute of the realm's user profile, which each user edits in Keycloak's account console
 * (and admins in the admin console), and the client's mapper that puts it into the ID token as the claim
 * {@code organization}. Pure: {@link RealmConfigurer} applies it.
 */
final class OrganizationProfile {

  /** The attribute's name, and the claim's. */
  static final String ATTRIBUTE = "organization";
  /** The name of the client's protocol mapper that writes the claim. */
  static final String MAPPER_NAME = "organization";
  /** The longest organization name accepted. */
  static final int MAX_LENGTH = 255;

  private static final Set<String> WHO = Set.of("admin", "user");

  private OrganizationProfile() {}

  /** The attribute as the realm's user profile declares it: optional, viewed and edited by the user and admins. */
  static UPAttribute attribute() {
    UPAttribute attribute = new UPAttribute(ATTRIBUTE, new UPAttributePermissions(new LinkedHashSet<>(WHO),
        new LinkedHashSet<>(WHO)));
    attribute.setDisplayName("Organization");
    attribute.addValidation("length", Map.of("max", MAX_LENGTH));
    return attribute;
  }

  /**
   * The user profile {@code config} with the attribute declared, or empty when it is declared already with the user
   * and admins allowed to view and edit it (other settings of an existing attribute, and other attributes, stay).
   */
  static Optional<UPConfig> declaredIn(UPConfig config) {
    UPAttribute existing = config.getAttribute(ATTRIBUTE);
    if (existing != null && existing.getPermissions() != null
        && contains(existing.getPermissions().getView()) && contains(existing.getPermissions().getEdit())) {
      return Optional.empty();
    }
    UPAttribute wanted = attribute();
    if (existing != null) {
      existing.setPermissions(wanted.getPermissions());
      wanted = existing;
    }
    return Optional.of(config.addOrReplaceAttribute(wanted));
  }

  /** Keycloak's user-attribute mapper: the claim {@code organization} in the ID token, the access token, userinfo. */
  static ProtocolMapperRepresentation mapper() {
    ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
    mapper.setName(MAPPER_NAME);
    mapper.setProtocol("openid-connect");
    mapper.setProtocolMapper("oidc-usermodel-attribute-mapper");
    mapper.setConfig(Map.of(
        "user.attribute", ATTRIBUTE,
        "claim.name", ATTRIBUTE,
        "jsonType.label", "String",
        "id.token.claim", "true",
        "access.token.claim", "true",
        "userinfo.token.claim", "true"));
    return mapper;
  }

  private static boolean contains(Set<String> roles) {
    return roles != null && roles.containsAll(WHO);
  }
}
