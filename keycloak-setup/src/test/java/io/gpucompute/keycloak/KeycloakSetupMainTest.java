package io.gpucompute.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakSetupMainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return KeycloakSetupMain.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheUsage() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--server URL", "--password-grant");
  }

  @Test
  void badArgumentsExitWithTwoAndSayWhy() {
    assertThat(run(Map.of(), "--server", "https://kc.test", "--colour", "blue")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --colour");
  }

  @Test
  void withoutAnAdminPasswordNothingIsAttempted() {
    assertThat(run(Map.of(), "--server", "https://kc.test")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no admin password", "KEYCLOAK_ADMIN_PASSWORD");
  }

  @Test
  void anUnreachableServerFailsWithOneAndNeverPrintsThePassword(@TempDir Path dir) throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("admin"), "s3cret-admin-Pa55\n");
    // Port 9 on loopback (discard) has no listener here: the connection is refused at once.
    int exit = run(Map.of(), "--server", "http://127.0.0.1:9", "--admin-password-file", passwordFile.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("setting up realm gpucompute on http://127.0.0.1:9");
    assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
        .doesNotContain("s3cret-admin-Pa55");
  }
}
