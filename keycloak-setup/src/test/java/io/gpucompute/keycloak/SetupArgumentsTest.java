package io.gpucompute.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SetupArgumentsTest {

  @Test
  void defaultsGiveTheRealmTheChartAndTheDocsExpect() {
    SetupArguments parsed = SetupArguments.parse(List.of("--server", "https://127.0.0.1:8443/"));

    assertThat(parsed.serverUrl()).isEqualTo("https://127.0.0.1:8443");
    assertThat(parsed.adminRealm()).isEqualTo("master");
    assertThat(parsed.adminUser()).isEqualTo("admin");
    assertThat(parsed.adminPasswordFile()).isNull();
    assertThat(parsed.temporaryPasswords()).isTrue();
    RealmSetup setup = parsed.setup();
    assertThat(setup.realm()).isEqualTo("gpucompute");
    assertThat(setup.clientId()).isEqualTo("kubernetes");
    assertThat(setup.groupsClaim()).isEqualTo("groups");
    assertThat(setup.redirectUris()).isEqualTo(RealmSetup.DEFAULT_REDIRECT_URIS);
    assertThat(setup.passwordGrant()).isFalse();
    assertThat(setup.idTokenLifespanSeconds()).isZero();
    assertThat(setup.issuerUrl(parsed.serverUrl())).isEqualTo("https://127.0.0.1:8443/realms/gpucompute");
  }

  @Test
  void everyOptionIsRead() {
    SetupArguments parsed = SetupArguments.parse(List.of("--server", "https://kc.test", "--ca-file", "/tmp/ca.pem",
        "--admin-realm", "ops", "--admin-user", "root", "--admin-password-file", "/run/admin",
        "--realm", "ml", "--client-id", "k8s", "--groups-claim", "roles",
        "--group", "team-a", "--group", "gpu-admins", "--user", "alice=team-a", "--user", "carol=gpu-admins,team-a",
        "--user", "dave", "--user-password-file", "/run/users", "--permanent-passwords",
        "--redirect-uri", "http://localhost:9000", "--password-grant", "--token-lifespan-seconds", "120"));

    assertThat(parsed.caFile()).isEqualTo(Path.of("/tmp/ca.pem"));
    assertThat(parsed.adminRealm()).isEqualTo("ops");
    assertThat(parsed.adminUser()).isEqualTo("root");
    assertThat(parsed.adminPasswordFile()).isEqualTo(Path.of("/run/admin"));
    assertThat(parsed.userPasswordFile()).isEqualTo(Path.of("/run/users"));
    assertThat(parsed.temporaryPasswords()).isFalse();
    RealmSetup setup = parsed.setup();
    assertThat(setup.realm()).isEqualTo("ml");
    assertThat(setup.clientId()).isEqualTo("k8s");
    assertThat(setup.groupsClaim()).isEqualTo("roles");
    assertThat(setup.groups()).containsExactly("team-a", "gpu-admins");
    assertThat(setup.users()).containsExactly(new RealmUser("alice", List.of("team-a")),
        new RealmUser("carol", List.of("gpu-admins", "team-a")), new RealmUser("dave", List.of()));
    assertThat(setup.redirectUris()).containsExactly("http://localhost:9000");
    assertThat(setup.passwordGrant()).isTrue();
    assertThat(setup.idTokenLifespanSeconds()).isEqualTo(120);
  }

  @Test
  void chartValuesAddTheGroupsTheChartBindsAndItsPrefix() {
    SetupArguments parsed = SetupArguments.parse(List.of("--server", "https://kc.test", "--group", "ops",
        "--chart-values", "teams.yaml", "--user", "alice=team-a", "--user", "carol=gpu-admins"),
        file -> {
          assertThat(file).isEqualTo(Path.of("teams.yaml"));
          return new ChartGroups(List.of("team-a", "ops", "gpu-admins"), "corp:");
        });

    assertThat(parsed.setup().groups()).containsExactly("ops", "team-a", "gpu-admins");
    assertThat(parsed.groupsPrefix()).isEqualTo("corp:");
  }

  @Test
  void withoutChartValuesThePrefixIsOidc() {
    assertThat(SetupArguments.parse(List.of("--server", "https://kc.test"), file -> {
      throw new AssertionError("no chart values to read");
    }).groupsPrefix()).isEqualTo("oidc:");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "--realm x                                                     | --server is required",
      "--server ftp://kc                                             | --server must be an http(s) URL",
      "--server https://kc --realm                                   | --realm needs a value",
      "--server https://kc --colour blue                             | unknown option --colour",
      "--server https://kc stray                                     | unexpected argument 'stray'",
      "--server https://kc --token-lifespan-seconds 0                | --token-lifespan-seconds must be a positive",
      "--server https://kc --token-lifespan-seconds soon             | --token-lifespan-seconds must be a positive",
      "--server https://kc --user alice=team-a                       | which is not among the groups to create",
      "--server https://kc --group a --user alice=a --user alice=a   | user alice is listed twice",
      "--server https://kc --group a --user Alice=a                  | invalid user name 'Alice'",
      "--server https://kc --group a --user alice=a,                 | expected name=group[,group...]",
      "--server https://kc --group team/a                            | invalid group 'team/a'",
      "--server https://kc --realm ' '                               | invalid realm ' '",
  })
  void badArgumentsAreRefusedNamingTheArgument(String line, String message) {
    List<String> args = List.of(line.replace("' '", "\u0000").split(" +")).stream()
        .map(arg -> arg.replace("\u0000", " ")).toList();

    assertThatThrownBy(() -> SetupArguments.parse(args)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
