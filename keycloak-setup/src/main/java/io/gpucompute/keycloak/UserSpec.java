package io.gpucompute.keycloak;

import org.keycloak.representations.idm.UserRepresentation;

/** A {@link RealmUser} as Keycloak represents a new user. */
final class UserSpec {

  private UserSpec() {}

  /**
   * An enabled user with the profile attributes that Keycloak's default user profile requires (first name, last
   * name, e-mail), so that signing in does not stop at "update your profile". The e-mail address is a placeholder
   * under the reserved {@code .invalid} domain, marked unverified; a directory or the user replaces it.
   */
  static UserRepresentation representation(RealmUser user, String realm) {
    UserRepresentation representation = new UserRepresentation();
    representation.setUsername(user.username());
    representation.setEnabled(true);
    representation.setFirstName(user.username());
    representation.setLastName(realm);
    representation.setEmail(user.username() + "@" + realm + ".invalid");
    representation.setEmailVerified(false);
    return representation;
  }
}
