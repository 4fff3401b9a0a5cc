package io.gpucompute.keycloak;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A first user of the realm and the groups it belongs to. Its initial password is the same for every such user and
 * never appears in this record (see {@link KeycloakSetupMain}).
 *
 * @param username the sign-in name; with kube-apiserver {@code --oidc-username-claim=preferred_username} it is the
 *     Kubernetes user name after the {@code --oidc-username-prefix}
 * @param groups the groups it is a member of
 */
public record RealmUser(String username, List<String> groups) {

  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  public RealmUser {
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException("invalid user name '" + username
          + "': use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    groups = List.copyOf(groups);
  }

  /**
   * Parses {@code name=group[,group...]} (or a bare {@code name} for a user in no group).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static RealmUser parse(String text) {
    int equals = text.indexOf('=');
    if (equals < 0) {
      return new RealmUser(text, List.of());
    }
    List<String> groups = List.of(text.substring(equals + 1).split(",", -1));
    if (groups.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("invalid user '" + text + "': expected name=group[,group...]");
    }
    return new RealmUser(text.substring(0, equals), groups);
  }
}
