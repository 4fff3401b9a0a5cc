package io.gpucompute.keycloak;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The command line of {@link KeycloakSetupMain}, parsed. Secrets are never arguments (they would show in {@code ps}
 * and shell history): the admin password comes from {@code --admin-password-file} or the environment, the users'
 * initial password from {@code --user-password-file}.
 *
 * @param serverUrl Keycloak's base URL, e.g. {@code https://keycloak.example.com}
 * @param caFile PEM CA certificates to trust for Keycloak's HTTPS, or null for the JDK's
 * @param adminRealm the realm of the admin user
 * @param adminUser the admin user name
 * @param adminPasswordFile a file with the admin password, or null to read {@code KEYCLOAK_ADMIN_PASSWORD}
 * @param userPasswordFile a file with the initial password of the users created now, or null to create them without
 * @param temporaryPasswords whether created users must change that password at first sign-in
 * @param groupsPrefix the prefix the API server puts before group names: the chart's {@code groupPrefix} when
 *     {@code --chart-values} is given, else {@value ApiServerOidcFlags#DEFAULT_PREFIX}
 * @param setup the realm to set up
 */
public record SetupArguments(String serverUrl, Path caFile, String adminRealm, String adminUser,
    Path adminPasswordFile, Path userPasswordFile, boolean temporaryPasswords, String groupsPrefix,
    RealmSetup setup) {

  /** The usage text. */
  public static final String USAGE = """
      Usage: gpucompute-keycloak-setup --server URL [options]

      Sets up a Keycloak realm so that kube-apiserver accepts its ID tokens (OIDC), then prints the API server flags
      that trust it. Safe to run again: it creates what is missing, updates what differs and deletes nothing.

      Connection:
        --server URL                 Keycloak's base URL (https://...)
        --ca-file FILE               PEM CA certificate(s) that signed Keycloak's serving certificate
        --admin-realm NAME           realm of the admin user (default: master)
        --admin-user NAME            admin user (default: admin)
        --admin-password-file FILE   file with the admin password (default: the KEYCLOAK_ADMIN_PASSWORD variable)
      Realm:
        --realm NAME                 realm to create or update (default: gpucompute)
        --client-id NAME             kubectl's client, the API server's --oidc-client-id (default: kubernetes)
        --groups-claim NAME          ID token claim with the group names (default: groups)
        --group NAME                 a group to create (repeat): team groups and the admins' group
        --chart-values FILE          also create the groups that the Helm chart's values file binds (every team's
                                     oidcGroups and adminGroups), and print the flags with its groupPrefix
        --user NAME=GROUP[,GROUP]    a first user and its groups (repeat; groups must be listed with --group)
        --user-password-file FILE    initial password of the users created now (default: none, set it in Keycloak)
        --permanent-passwords        do not make created users change that password at first sign-in
        --redirect-uri URI           where the browser sign-in may return (repeat; default: kubelogin's
                                     http://localhost:8000 and http://localhost:18000)
        --password-grant             also allow the resource-owner password grant (scripts, tests; off by default)
        --token-lifespan-seconds N   lifespan of the client's tokens (default: the realm's)
      """;

  /**
   * Parses the arguments, reading a {@code --chart-values} file with {@link ChartGroups#read}.
   *
   * @throws IllegalArgumentException naming the argument that is wrong or missing
   */
  public static SetupArguments parse(List<String> args) {
    return parse(args, ChartGroups::read);
  }

  /**
   * Parses the arguments; {@code chartValues} reads the groups of a {@code --chart-values} file.
   *
   * @throws IllegalArgumentException naming the argument that is wrong or missing
   */
  public static SetupArguments parse(List<String> args, Function<Path, ChartGroups> chartValues) {
    String server = null;
    Path caFile = null;
    String adminRealm = "master";
    String adminUser = "admin";
    Path adminPasswordFile = null;
    String realm = "gpucompute";
    String clientId = "kubernetes";
    String groupsClaim = "groups";
    List<String> groups = new ArrayList<>();
    List<RealmUser> users = new ArrayList<>();
    Path userPasswordFile = null;
    boolean temporaryPasswords = true;
    List<String> redirectUris = new ArrayList<>();
    boolean passwordGrant = false;
    int lifespan = 0;
    Path chartValuesFile = null;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      switch (flag) {
        case "--permanent-passwords" -> temporaryPasswords = false;
        case "--password-grant" -> passwordGrant = true;
        default -> {
          String value = valueOf(args, i++, flag);
          switch (flag) {
            case "--server" -> server = value;
            case "--ca-file" -> caFile = Path.of(value);
            case "--admin-realm" -> adminRealm = value;
            case "--admin-user" -> adminUser = value;
            case "--admin-password-file" -> adminPasswordFile = Path.of(value);
            case "--realm" -> realm = value;
            case "--client-id" -> clientId = value;
            case "--groups-claim" -> groupsClaim = value;
            case "--group" -> groups.add(value);
            case "--chart-values" -> chartValuesFile = Path.of(value);
            case "--user" -> users.add(RealmUser.parse(value));
            case "--user-password-file" -> userPasswordFile = Path.of(value);
            case "--redirect-uri" -> redirectUris.add(value);
            case "--token-lifespan-seconds" -> lifespan = positiveInt(flag, value);
            default -> throw new IllegalArgumentException("unknown option " + flag);
          }
        }
      }
    }
    if (server == null) {
      throw new IllegalArgumentException("--server is required");
    }
    if (!server.startsWith("https://") && !server.startsWith("http://")) {
      throw new IllegalArgumentException("--server must be an http(s) URL, not '" + server + "'");
    }
    String groupsPrefix = ApiServerOidcFlags.DEFAULT_PREFIX;
    if (chartValuesFile != null) {
      ChartGroups chart = chartValues.apply(chartValuesFile);
      chart.groups().stream().filter(group -> !groups.contains(group)).forEach(groups::add);
      groupsPrefix = chart.groupPrefix();
    }
    RealmSetup setup = new RealmSetup(realm, clientId,
        redirectUris.isEmpty() ? RealmSetup.DEFAULT_REDIRECT_URIS : redirectUris, groupsClaim, groups, users,
        passwordGrant, lifespan);
    return new SetupArguments(RealmSetup.stripTrailingSlash(server), caFile, adminRealm, adminUser,
        adminPasswordFile, userPasswordFile, temporaryPasswords, groupsPrefix, setup);
  }

  private static String valueOf(List<String> args, int index, String flag) {
    if (!flag.startsWith("--")) {
      throw new IllegalArgumentException("unexpected argument '" + flag + "'");
    }
    if (index + 1 >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(index + 1);
  }

  private static int positiveInt(String flag, String value) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException notANumber) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(flag + " must be a positive number of seconds, not '" + value + "'");
  }
}
