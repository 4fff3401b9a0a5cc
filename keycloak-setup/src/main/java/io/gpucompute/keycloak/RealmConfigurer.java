package io.gpucompute.keycloak;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * Makes a Keycloak server match a {@link RealmSetup} through the admin REST API. Idempotent: it looks every object up
 * before it creates it, updates what differs and leaves the rest alone, so running it twice changes nothing the second
 * time. It never deletes anything (groups or users that are not listed stay).
 */
public final class RealmConfigurer {

  /** The name of the client's protocol mapper that writes the groups claim. */
  static final String GROUPS_MAPPER_NAME = "groups";

  private final Keycloak keycloak;

  public RealmConfigurer(Keycloak keycloak) {
    this.keycloak = Objects.requireNonNull(keycloak);
  }

  /**
   * Applies the set-up.
   *
   * @param initialPassword the password given to users that are created now (existing users keep theirs), or null to
   *     create them without one
   * @param temporaryPassword whether a created user must change that password at first sign-in
   * @return one line per object: created, updated or unchanged
   */
  public List<String> apply(RealmSetup setup, String initialPassword, boolean temporaryPassword) {
    List<String> report = new ArrayList<>();
    RealmResource realm = ensureRealm(setup.realm(), report);
    ClientResource client = ensureClient(realm, setup, report);
    ensureMapper(client, ClientSpec.groupsMapper(setup.groupsClaim()), " (claim " + setup.groupsClaim() + ")", report);
    ensureOrganizationAttribute(realm, report);
    ensureMapper(client, OrganizationProfile.mapper(), " (claim " + OrganizationProfile.ATTRIBUTE + ")", report);
    Map<String, String> groupIds = new HashMap<>();
    for (String group : setup.groups()) {
      groupIds.put(group, ensureGroup(realm, group, report));
    }
    for (RealmUser user : setup.users()) {
      ensureUser(realm, user, groupIds, initialPassword, temporaryPassword, report);
    }
    return List.copyOf(report);
  }

  private RealmResource ensureRealm(String name, List<String> report) {
    RealmResource realm = keycloak.realm(name);
    try {
      RealmRepresentation existing = realm.toRepresentation();
      if (!Boolean.TRUE.equals(existing.isEnabled())) {
        existing.setEnabled(true);
        realm.update(existing);
        report.add("updated realm " + name + " (enabled)");
      } else {
        report.add("unchanged realm " + name);
      }
    } catch (NotFoundException absent) {
      RealmRepresentation created = new RealmRepresentation();
      created.setRealm(name);
      created.setEnabled(true);
      keycloak.realms().create(created);
      report.add("created realm " + name);
    }
    return realm;
  }

  private ClientResource ensureClient(RealmResource realm, RealmSetup setup, List<String> report) {
    ClientRepresentation wanted = ClientSpec.representation(setup);
    List<ClientRepresentation> found = realm.clients().findByClientId(setup.clientId());
    if (found.isEmpty()) {
      try (Response response = realm.clients().create(wanted)) {
        String id = createdId(response, "client " + setup.clientId());
        report.add("created client " + setup.clientId());
        return realm.clients().get(id);
      }
    }
    ClientRepresentation existing = found.get(0);
    ClientResource client = realm.clients().get(existing.getId());
    if (ClientSpec.differs(existing, wanted)) {
      client.update(ClientSpec.merged(existing, wanted));
      report.add("updated client " + setup.clientId());
    } else {
      report.add("unchanged client " + setup.clientId());
    }
    return client;
  }

  /** Creates the client's protocol mapper {@code wanted} (by name), or updates it where it differs. */
  private void ensureMapper(ClientResource client, ProtocolMapperRepresentation wanted, String detail,
      List<String> report) {
    String name = wanted.getName();
    Optional<ProtocolMapperRepresentation> existing = client.getProtocolMappers().getMappers().stream()
        .filter(mapper -> name.equals(mapper.getName())).findFirst();
    if (existing.isEmpty()) {
      try (Response response = client.getProtocolMappers().createMapper(wanted)) {
        createdId(response, "protocol mapper " + name);
      }
      report.add("created protocol mapper " + name + detail);
    } else if (ClientSpec.mapperDiffers(existing.get(), wanted)) {
      wanted.setId(existing.get().getId());
      client.getProtocolMappers().update(existing.get().getId(), wanted);
      report.add("updated protocol mapper " + name + detail);
    } else {
      report.add("unchanged protocol mapper " + name);
    }
  }

  /** Declares the organization attribute in the realm's user profile, editable by its users. */
  private void ensureOrganizationAttribute(RealmResource realm, List<String> report) {
    UPConfig config = realm.users().userProfile().getConfiguration();
    boolean existed = config.getAttribute(OrganizationProfile.ATTRIBUTE) != null;
    Optional<UPConfig> declared = OrganizationProfile.declaredIn(config);
    if (declared.isEmpty()) {
      report.add("unchanged user profile attribute " + OrganizationProfile.ATTRIBUTE);
      return;
    }
    realm.users().userProfile().update(declared.get());
    report.add((existed ? "updated" : "created") + " user profile attribute " + OrganizationProfile.ATTRIBUTE
        + " (users edit it in the account console)");
  }

  private String ensureGroup(RealmResource realm, String name, List<String> report) {
    Optional<GroupRepresentation> existing = realm.groups().groups(name, true, 0, 10, true).stream()
        .filter(group -> name.equals(group.getName())).findFirst();
    if (existing.isPresent()) {
      report.add("unchanged group " + name);
      return existing.get().getId();
    }
    GroupRepresentation group = new GroupRepresentation();
    group.setName(name);
    try (Response response = realm.groups().add(group)) {
      report.add("created group " + name);
      return createdId(response, "group " + name);
    }
  }

  private void ensureUser(RealmResource realm, RealmUser user, Map<String, String> groupIds, String initialPassword,
      boolean temporaryPassword, List<String> report) {
    List<UserRepresentation> found = realm.users().searchByUsername(user.username(), true);
    UserResource resource;
    if (found.isEmpty()) {
      try (Response response = realm.users().create(UserSpec.representation(user, realm.toRepresentation()
          .getRealm()))) {
        resource = realm.users().get(createdId(response, "user " + user.username()));
      }
      if (initialPassword != null) {
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(initialPassword);
        password.setTemporary(temporaryPassword);
        resource.resetPassword(password);
      }
      report.add("created user " + user.username() + (initialPassword == null ? " (no password)"
          : temporaryPassword ? " (temporary password)" : " (password)"));
    } else {
      resource = realm.users().get(found.get(0).getId());
      report.add("unchanged user " + user.username());
    }
    List<String> memberOf = resource.groups().stream().map(GroupRepresentation::getName).toList();
    for (String group : user.groups()) {
      if (!memberOf.contains(group)) {
        resource.joinGroup(groupIds.get(group));
        report.add("added user " + user.username() + " to group " + group);
      }
    }
  }

  /** The id of the object a 201 Created response names in its Location header. */
  private static String createdId(Response response, String what) {
    if (response.getStatus() != Response.Status.CREATED.getStatusCode()) {
      throw new IllegalStateException("Keycloak refused to create " + what + ": HTTP " + response.getStatus() + " "
          + response.readEntity(String.class));
    }
    String path = response.getLocation().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
