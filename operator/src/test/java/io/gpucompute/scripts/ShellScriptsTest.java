package io.gpucompute.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every shell script of the repository passes shellcheck ({@code hack/lint-shell.sh}, which .ci/run also runs). */
class ShellScriptsTest {

  private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyShellScriptPassesShellcheck() throws Exception {
    Run lint = run("hack/lint-shell.sh");

    assertThat(lint.exitCode()).as("hack/lint-shell.sh (install shellcheck with hack/install-deps.sh):\n%s",
        lint.output()).isZero();
  }

  @Test
  void theCheckCoversTheScriptsWithoutASuffixAndTheLibraries() throws Exception {
    Run list = run("hack/lint-shell.sh", "--list");

    assertThat(list.exitCode()).isZero();
    assertThat(list.output().lines()).contains(".ci/run", "mvnw", "hack/quickstart.sh", "hack/control-plane.sh",
        "hack/lib/process.sh", "hack/lib/kube-binaries.sh");
  }

  private record Run(int exitCode, String output) {}

  private static Run run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).directory(REPO_ROOT.toFile()).redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("%s finished", String.join(" ", command)).isTrue();
    return new Run(process.exitValue(), output);
  }
}
