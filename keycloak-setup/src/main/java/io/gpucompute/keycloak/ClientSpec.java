package io.gpucompute.keycloak;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

/** The kubectl client of a {@link RealmSetup}, as Keycloak represents it, and the mapper of its groups claim. */
final class ClientSpec {

  /** Keycloak's client attribute for the OAuth 2.0 device authorization grant. */
  static final String DEVICE_GRANT_ATTRIBUTE = "oauth2.device.authorization.grant.enabled";
  /** Keycloak's client attribute for the PKCE method the client must use. */
  static final String PKCE_ATTRIBUTE = "pkce.code.challenge.method";
  /** Keycloak's client attribute for the lifespan of its tokens, in seconds. */
  static final String TOKEN_LIFESPAN_ATTRIBUTE = "access.token.lifespan";

  private ClientSpec() {}

  /**
   * A public client (kubectl holds no secret) that signs people in with the browser (authorization code with PKCE)
   * or the device flow, and with the password grant only where the set-up asks for it.
   */
  static ClientRepresentation representation(RealmSetup setup) {
    ClientRepresentation client = new ClientRepresentation();
    client.setClientId(setup.clientId());
    client.setName("Kubernetes (kubectl sign-in for gpucompute)");
    client.setProtocol("openid-connect");
    client.setEnabled(true);
    client.setPublicClient(true);
    client.setStandardFlowEnabled(true);
    client.setImplicitFlowEnabled(false);
    client.setServiceAccountsEnabled(false);
    client.setDirectAccessGrantsEnabled(setup.passwordGrant());
    client.setRedirectUris(List.copyOf(setup.redirectUris()));
    client.setWebOrigins(List.of());
    client.setAttributes(attributes(setup));
    return client;
  }

  /** Whether an existing client differs from the wanted one in anything this set-up manages. */
  static boolean differs(ClientRepresentation existing, ClientRepresentation wanted) {
    Map<String, String> existingAttributes = existing.getAttributes() == null ? Map.of() : existing.getAttributes();
    // Keycloak drops attributes with an empty value: an empty wanted value means "absent".
    boolean attributesDiffer = wanted.getAttributes().entrySet().stream()
        .anyMatch(entry -> !Objects.equals(existingAttributes.getOrDefault(entry.getKey(), ""), entry.getValue()));
    return attributesDiffer
        || !Objects.equals(existing.isEnabled(), wanted.isEnabled())
        || !Objects.equals(existing.isPublicClient(), wanted.isPublicClient())
        || !Objects.equals(existing.isStandardFlowEnabled(), wanted.isStandardFlowEnabled())
        || !Objects.equals(existing.isImplicitFlowEnabled(), wanted.isImplicitFlowEnabled())
        || !Objects.equals(existing.isDirectAccessGrantsEnabled(), wanted.isDirectAccessGrantsEnabled())
        || !Objects.equals(existing.isServiceAccountsEnabled(), wanted.isServiceAccountsEnabled())
        || !Objects.equals(asSet(existing.getRedirectUris()), asSet(wanted.getRedirectUris()));
  }

  /** The existing client with the managed fields of the wanted one; other fields and attributes stay as they are. */
  static ClientRepresentation merged(ClientRepresentation existing, ClientRepresentation wanted) {
    existing.setEnabled(wanted.isEnabled());
    existing.setPublicClient(wanted.isPublicClient());
    existing.setStandardFlowEnabled(wanted.isStandardFlowEnabled());
    existing.setImplicitFlowEnabled(wanted.isImplicitFlowEnabled());
    existing.setDirectAccessGrantsEnabled(wanted.isDirectAccessGrantsEnabled());
    existing.setServiceAccountsEnabled(wanted.isServiceAccountsEnabled());
    existing.setRedirectUris(wanted.getRedirectUris());
    Map<String, String> attributes = new HashMap<>(existing.getAttributes() == null ? Map.of()
        : existing.getAttributes());
    attributes.putAll(wanted.getAttributes());
    existing.setAttributes(attributes);
    return existing;
  }

  /** Whether an existing mapper differs from the wanted one in its type or in a config entry the wanted one sets. */
  static boolean mapperDiffers(ProtocolMapperRepresentation existing, ProtocolMapperRepresentation wanted) {
    Map<String, String> config = existing.getConfig() == null ? Map.of() : existing.getConfig();
    return !Objects.equals(existing.getProtocolMapper(), wanted.getProtocolMapper())
        || wanted.getConfig().entrySet().stream()
            .anyMatch(entry -> !Objects.equals(config.get(entry.getKey()), entry.getValue()));
  }

  /**
   * Keycloak's group-membership mapper: the claim lists the user's group names without their path (so {@code team-a},
   * not {@code /team-a}), in the ID token, the access token and userinfo.
   */
  static ProtocolMapperRepresentation groupsMapper(String claim) {
    ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
    mapper.setName(RealmConfigurer.GROUPS_MAPPER_NAME);
    mapper.setProtocol("openid-connect");
    mapper.setProtocolMapper("oidc-group-membership-mapper");
    mapper.setConfig(Map.of(
        "claim.name", claim,
        "full.path", "false",
        "id.token.claim", "true",
        "access.token.claim", "true",
        "userinfo.token.claim", "true"));
    return mapper;
  }

  private static Map<String, String> attributes(RealmSetup setup) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put(DEVICE_GRANT_ATTRIBUTE, "true");
    attributes.put(PKCE_ATTRIBUTE, "S256");
    // Keycloak reads an empty lifespan as "the realm's default".
    attributes.put(TOKEN_LIFESPAN_ATTRIBUTE,
        setup.idTokenLifespanSeconds() == 0 ? "" : Integer.toString(setup.idTokenLifespanSeconds()));
    return attributes;
  }

  /** A list as a set (Keycloak does not keep the order of redirect URIs), null as empty. */
  private static Set<String> asSet(List<String> values) {
    return values == null ? Set.of() : Set.copyOf(values);
  }
}
