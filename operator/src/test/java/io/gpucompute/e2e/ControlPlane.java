package io.gpucompute.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real control plane started by {@code hack/control-plane.sh up}, with the committed CRDs of {@code crds/}
 * installed. {@link #close()} stops it ({@code down}).
 */
public final class ControlPlane implements AutoCloseable {

  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CRD_TIMEOUT = Duration.ofSeconds(60);

  private final Path repoRoot;
  private final Path stateDir;
  private final Path kubeconfig;
  private final Kubectl kubectl;
  private final KubernetesClient client;
  private final Thread shutdownHook;
  private boolean closed;

  private ControlPlane(Path repoRoot, Path stateDir, Thread shutdownHook) {
    this.repoRoot = repoRoot;
    this.stateDir = stateDir;
    this.kubeconfig = stateDir.resolve("kubeconfig");
    this.kubectl = new Kubectl(Kubectl.defaultBinary(), kubeconfig, repoRoot);
    this.client = newClient();
    this.shutdownHook = shutdownHook;
  }

  /**
   * Runs {@code hack/control-plane.sh up} with {@code CONTROL_PLANE_DIR=stateDir}, then applies {@code crds/}
   * and waits until the CRDs are Established.
   *
   * @throws StartupException with the script's output when the control plane could not be started
   */
  public static ControlPlane start(Path repoRoot, Path stateDir, Duration upTimeout) {
    return start(repoRoot, stateDir, upTimeout, Map.of());
  }

  /**
   * Like {@link #start(Path, Path, Duration)}, with more environment for {@code up}: for example
   * {@code CONTROL_PLANE_APISERVER_EXTRA_ARGS} with the API server's {@code --oidc-*} flags.
   */
  public static ControlPlane start(Path repoRoot, Path stateDir, Duration upTimeout,
      Map<String, String> upEnvironment) {
    Path log = stateDir.resolveSibling(stateDir.getFileName() + "-up.log");
    System.out.printf("e2e: starting a control plane in %s (log: %s)%n", stateDir, log);
    long started = System.nanoTime();
    // A backstop for a JVM that is stopped before JUnit closes the root store (down is idempotent).
    Thread shutdownHook = new Thread(() -> runScript(repoRoot, stateDir, "down", DOWN_TIMEOUT, null, Map.of()),
        "control-plane-down");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    ScriptResult up = runScript(repoRoot, stateDir, "up", upTimeout, log, upEnvironment);
    if (up.exitCode() != 0) {
      // up stops what it started when it fails, but not when it was killed for taking too long.
      runScript(repoRoot, stateDir, "down", DOWN_TIMEOUT, null, Map.of());
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      String errors = String.join("\n", up.output().lines().filter(line -> line.contains("ERROR")).toList());
      throw new StartupException("hack/control-plane.sh up " + (up.exitCode() == -1 ? "timed out after " + upTimeout
          : "failed with exit code " + up.exitCode()) + " (CONTROL_PLANE_DIR=" + stateDir + ")"
          + (errors.isEmpty() ? "" : ":\n" + errors) + "\nFix the cause (see hack/install-deps.sh), or set"
          + " GPUCOMPUTE_E2E_SKIP=true to skip the end-to-end tests on purpose. The script's output (last 60 lines; all"
          + " of it in " + log + "):\n" + tail(up.output(), 60));
    }
    ControlPlane plane = new ControlPlane(repoRoot, stateDir, shutdownHook);
    try {
      plane.kubectl.run("apply", "-f", "crds/").assertSuccess();
      plane.kubectl.run(CRD_TIMEOUT.plusSeconds(10), "wait", "--for=condition=Established", "-f", "crds/",
          "--timeout=" + CRD_TIMEOUT.toSeconds() + "s").assertSuccess();
    } catch (RuntimeException | AssertionError e) {
      plane.close();
      throw new StartupException("the control plane started, but installing crds/ failed: " + e.getMessage(), e);
    }
    System.out.printf("e2e: control plane ready with the CRDs in %.1fs; KUBECONFIG=%s%n",
        (System.nanoTime() - started) / 1e9, plane.kubeconfig);
    return plane;
  }

  /** The {@link TestProcessTag#WHAT} tag of the processes of the control plane in {@code stateDir}. */
  static String processTag(Path stateDir) {
    return "control plane " + stateDir;
  }

  public Path repoRoot() {
    return repoRoot;
  }

  /** The state directory ({@code CONTROL_PLANE_DIR}). */
  Path stateDir() {
    return stateDir;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Kubectl kubectl() {
    return kubectl;
  }

  /** A client shared by the tests; the operators get their own ({@link #newClient()}). */
  public KubernetesClient client() {
    return client;
  }

  /** A new fabric8 client for this control plane's kubeconfig. The caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toFile())).build();
  }

  /**
   * A new client of this control plane that authenticates with a bearer token only (no client certificate, which
   * would make it the admin): a ServiceAccount's token or an OIDC ID token. The caller closes it.
   */
  public KubernetesClient newClientWithToken(String token) {
    Config admin = Config.fromKubeconfig(kubeconfig.toFile());
    Config config = new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty()).withMasterUrl(admin.getMasterUrl())
        .withCaCertData(admin.getCaCertData()).withCaCertFile(admin.getCaCertFile()).withOauthToken(token)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Stops the control plane ({@code hack/control-plane.sh down}); idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.close();
    ScriptResult down = runScript(repoRoot, stateDir, "down", DOWN_TIMEOUT, null, Map.of());
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) anyway; down is idempotent
    }
    if (down.exitCode() != 0) {
      throw new IllegalStateException("hack/control-plane.sh down failed with exit code " + down.exitCode() + ":\n"
          + tail(down.output(), 40));
    }
    System.out.println("e2e: control plane stopped");
  }

  /** Why the control plane could not be had. */
  static final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }

    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record ScriptResult(int exitCode, String output) {}

  /** Runs {@code hack/control-plane.sh command}; exit code -1 when it timed out (and was killed). */
  private static ScriptResult runScript(Path repoRoot, Path stateDir, String command, Duration timeout, Path log,
      Map<String, String> extraEnvironment) {
    try {
      Path output = log != null ? log : Files.createTempFile("control-plane-" + command + "-", ".log");
      Files.createDirectories(output.getParent());
      ProcessBuilder builder = new ProcessBuilder(List.of("bash", repoRoot.resolve("hack/control-plane.sh").toString(),
          command)).directory(repoRoot.toFile()).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = builder.environment();
      env.putAll(extraEnvironment);
      env.put("CONTROL_PLANE_DIR", stateDir.toString());
      // etcd, kube-apiserver and kube-controller-manager inherit it: ProcessLeakGuard finds them if left running.
      TestProcessTag.tag(env, processTag(stateDir));
      Process process = builder.start();
      int exit;
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = process.exitValue();
      } else {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        exit = -1;
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (log == null) {
        Files.deleteIfExists(output);
      }
      return new ScriptResult(exit, text);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run hack/control-plane.sh " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running hack/control-plane.sh " + command, e);
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
