package io.gpucompute.keycloak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.keycloak.admin.client.Keycloak;

/**
 * {@code gpucompute-keycloak-setup}: sets up a Keycloak realm for kube-apiserver OIDC sign-in ({@link RealmSetup}),
 * then prints the API server flags and the kubeconfig user that go with it. Exit codes: 0 done, 2 bad arguments, 1 the
 * set-up failed. Never prints a password.
 */
public final class KeycloakSetupMain {

  /** The environment variable with the admin password when no {@code --admin-password-file} is given. */
  public static final String ADMIN_PASSWORD_ENV = "KEYCLOAK_ADMIN_PASSWORD";

  private KeycloakSetupMain() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), System.out, System.err));
  }

  /** Runs the command; returns its exit code. */
  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.contains("--help") || args.contains("-h") || args.equals(List.of("help"))) {
      out.print(SetupArguments.USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    SetupArguments parsed;
    String adminPassword;
    String userPassword;
    try {
      parsed = SetupArguments.parse(args);
      adminPassword = parsed.adminPasswordFile() != null ? readSecret(parsed.adminPasswordFile())
          : env.get(ADMIN_PASSWORD_ENV);
      if (adminPassword == null || adminPassword.isEmpty()) {
        throw new IllegalArgumentException("no admin password: pass --admin-password-file or set "
            + ADMIN_PASSWORD_ENV);
      }
      userPassword = parsed.userPasswordFile() == null ? null : readSecret(parsed.userPasswordFile());
    } catch (IllegalArgumentException e) {
      err.println("gpucompute-keycloak-setup: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    }
    AdminConnection connection = new AdminConnection(parsed.serverUrl(), parsed.adminRealm(), parsed.adminUser(),
        adminPassword, parsed.caFile());
    try (Keycloak keycloak = connection.open()) {
      List<String> report = new RealmConfigurer(keycloak).apply(parsed.setup(), userPassword,
          parsed.temporaryPasswords());
      report.forEach(line -> out.println("  " + line));
    } catch (RuntimeException e) {
      err.println("gpucompute-keycloak-setup: setting up realm " + parsed.setup().realm() + " on "
          + parsed.serverUrl() + " failed: " + KeycloakErrors.describe(e));
      return 1;
    }
    ApiServerOidcFlags flags = ApiServerOidcFlags.of(parsed.setup(), parsed.serverUrl(),
        parsed.caFile() == null ? null : "<the CA file of Keycloak's certificate on the API server's host>",
        parsed.groupsPrefix());
    out.println();
    out.println("kube-apiserver flags:");
    flags.asArguments().forEach(flag -> out.println("  " + flag));
    out.println();
    out.print(KubeconfigUser.kubeloginExec(flags, parsed.caFile()));
    return 0;
  }

  /** The first line of a file, which holds a secret; the value never reaches a log or an exception. */
  private static String readSecret(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw new IllegalArgumentException(file + " is empty");
      }
      return lines.get(0);
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
