package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.testprocess.RunProcesses;
import io.gpucompute.testprocess.TaggedProcess;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a new user runs it: {@code hack/quickstart.sh} in a scratch state directory (its own
 * control plane, the operator jar that the build made, the hello GpuJob and GpuDag), then
 * {@code hack/quickstart.sh down}, after which nothing it started runs. Every process it starts inherits the tag of
 * {@link #PROCESSES}; the quick start's output goes to {@code operator/target/quickstart-it.log}.
 */
@Tag("e2e")
class QuickstartIT {

  private static final Path REPO_ROOT = ControlPlaneExtension.repoRoot();
  private static final Path STATE_DIR = REPO_ROOT.resolve("operator/target/quickstart-it");
  private static final Path LOG = REPO_ROOT.resolve("operator/target/quickstart-it.log");
  private static final String PROCESSES = "quickstart " + STATE_DIR;
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(8);
  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

  @BeforeAll
  static void unlessTheE2eTestsAreSkipped() {
    Assumptions.assumeFalse(ControlPlaneExtension.skipped(), ControlPlaneExtension.SKIP_ENV + "=true");
  }

  @Test
  void theQuickStartRunsTheHelloJobAndDagOnLoopbackAndDownLeavesNothingRunning() throws Exception {
    Files.deleteIfExists(LOG);
    String readyz;
    try {
      Run up = quickstart(UP_TIMEOUT);
      assertThat(up.exitCode()).as("hack/quickstart.sh exit code; its output:\n%s", up.output()).isZero();
      assertThat(up.output()).contains("$ kubectl get gpucompute -A", "Logs of gpujob/hello (.status.logTail):",
          "hello from GPU(s) ", "Cost of gpujob/hello (.status.accruedCost): 0.", "hello-dag-report",
          "export KUBECONFIG=" + STATE_DIR.resolve("kubeconfig"), "Stop everything: hack/quickstart.sh down");

      readyz = Files.readString(STATE_DIR.resolve("operator.readyz")).trim();
      assertThat(readyz).matches("http://127\\.0\\.0\\.1:\\d+/readyz");
      assertThat(get(readyz)).isEqualTo("ok\n");
      int port = URI.create(readyz).getPort();
      assertThat(ListeningSockets.on(port)).as("what the operator's health server listens on")
          .isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
      // What the check after down looks for is there now: the tag reached the control plane and the operator.
      assertThat(RunProcesses.live().stream().filter(p -> PROCESSES.equals(p.what())).map(TaggedProcess::commandLine))
          .anyMatch(line -> line.contains("gpu-compute-operator.jar")).anyMatch(line -> line.contains("etcd"))
          .anyMatch(line -> line.contains("kube-apiserver"));
    } finally {
      Run down = quickstart(DOWN_TIMEOUT, "down");
      assertThat(down.exitCode()).as("hack/quickstart.sh down exit code; its output:\n%s", down.output()).isZero();
    }

    List<TaggedProcess> left = RunProcesses.awaitGoneOrKill(p -> PROCESSES.equals(p.what()), Duration.ofSeconds(30));
    assertThat(left).as("processes of the quick start left after down (now killed)").isEmpty();
    assertThat(STATE_DIR.resolve("operator.pid")).doesNotExist();
    deleteRecursively(STATE_DIR);
  }

  private record Run(int exitCode, String output) {}

  /** Runs {@code hack/quickstart.sh args...} in the scratch state directory, with the jar the build made. */
  private static Run quickstart(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", REPO_ROOT.resolve("hack/quickstart.sh").toString()));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("quickstart-", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(REPO_ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = builder.environment();
      env.remove("KUBECONFIG");
      env.put("CONTROL_PLANE_DIR", STATE_DIR.toString());
      env.put("QUICKSTART_SKIP_BUILD", "true");
      env.put("KUBECTL", Kubectl.defaultBinary());
      env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
      TestProcessTag.tag(env, PROCESSES);
      Process process = builder.start();
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.writeString(LOG, "$ " + String.join(" ", command) + "\n" + text, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new Run(finished ? process.exitValue() : -1, finished ? text : text + "\n(killed after " + timeout + ")");
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
    return response.body();
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
