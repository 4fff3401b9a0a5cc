package io.gpucompute.e2e;

import static org.awaitility.Awaitility.await;

import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as production runs it: the shaded jar ({@code operator/target/gpu-compute-operator.jar}, built by
 * {@code package} before failsafe runs) in a JVM of its own, with {@code Main}, its health server, its shutdown hook
 * and JOSDK's exit when it stops leading. Its environment is exactly {@link #fastEnvironment the given settings} plus
 * {@code PATH}, {@code HOME} and {@code KUBECONFIG}; its output goes to {@code operator/target/e2e-operators/<name>-
 * <time>.log}.
 *
 * <pre>{@code
 * try (OperatorProcess replica = OperatorProcess.start(plane.kubeconfig(), "replica-a",
 *     OperatorProcess.fastEnvironment(stateDir))) {
 *   replica.awaitReady(Duration.ofSeconds(60));
 *   ...
 *   replica.sigterm(Duration.ofSeconds(30));   // graceful; fails if it did not exit in time
 * }                                            // close(): SIGKILL if it still runs
 * }</pre>
 *
 * <p>{@link #close()} kills the JVM if it still runs, and a shutdown hook of the test JVM does the same, so no operator
 * outlives its test. Workloads that the Local provider started (in sessions of their own) are not touched: delete
 * their GpuJobs while an operator runs.
 */
public final class OperatorProcess implements AutoCloseable {

  /** No such command: the Local provider uses the GPUs its ProviderConfig declares, whatever the host has. */
  public static final String NO_NVIDIA_SMI = "gpucompute-e2e-no-nvidia-smi";

  /** The JVM options of the operators that tests start: quick to start, small. */
  private static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-Xmx256m");
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Pattern PROVIDER_CALLS =
      Pattern.compile("gpucompute_provider_requests_seconds_count\\{([^}]*)\\} ([0-9.eE+]+)");
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HHmmss-SSS")
      .withZone(java.time.ZoneId.systemDefault());

  private final String name;
  private final Process process;
  private final Path log;
  private final int healthPort;
  private final Thread killOnTestJvmExit;
  private final Instant startedAt = Instant.now();
  private final CompletableFuture<Instant> exitedAt;

  private OperatorProcess(String name, Process process, Path log, int healthPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.healthPort = healthPort;
    this.killOnTestJvmExit = new Thread(process::destroyForcibly, "kill-operator-" + name);
    Runtime.getRuntime().addShutdownHook(killOnTestJvmExit);
    this.exitedAt = process.onExit().thenApply(p -> Instant.now());
  }

  /**
   * Fast timings for tests, as {@link InProcessOperator#FAST}: polls every 0.5 s, retries after 0.5 s (doubling up to
   * 2 s), ProviderConfigs probed every 30 s; the Local provider keeps its state in {@code stateDir}, stops workloads
   * with a 2 s grace and takes the GPUs its ProviderConfig declares (Local is enabled). No leader election: add
   * {@code GPUCOMPUTE_LEADER_ELECTION_NAMESPACE}. A mutable map, for the caller to change.
   */
  public static Map<String, String> fastEnvironment(Path stateDir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GPUCOMPUTE_STATE_DIR", stateDir.toString());
    env.put("GPUCOMPUTE_NVIDIA_SMI", NO_NVIDIA_SMI);
    env.put("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED", "true");
    env.put("GPUCOMPUTE_CANCEL_GRACE_SECONDS", "2");
    env.put("GPUCOMPUTE_POLL_SECONDS", "0.5");
    env.put("GPUCOMPUTE_QUEUE_RECHECK_SECONDS", "2");
    env.put("GPUCOMPUTE_RETRY_BASE_SECONDS", "0.5");
    env.put("GPUCOMPUTE_RETRY_MAX_SECONDS", "2");
    env.put("GPUCOMPUTE_PROBE_SECONDS", "30");
    return env;
  }

  /**
   * Starts {@code java -jar gpu-compute-operator.jar} against the cluster of {@code kubeconfig}, as replica
   * {@code name} ({@code POD_NAME}), with {@code environment} and a free loopback port for the health server (unless
   * {@code environment} names {@code GPUCOMPUTE_HEALTH_PORT}). Returns at once; see {@link #awaitReady}.
   */
  public static OperatorProcess start(Path kubeconfig, String name, Map<String, String> environment) {
    return start(kubeconfig, name, environment, TEST_JVM_OPTIONS);
  }

  /**
   * Like {@link #start(Path, String, Map)}, with {@code jvmOptions} instead of the tests' (a benchmark runs the
   * chart's).
   */
  public static OperatorProcess start(Path kubeconfig, String name, Map<String, String> environment,
      List<String> jvmOptions) {
    Path repoRoot = ControlPlaneExtension.repoRoot();
    Path jar = repoRoot.resolve("operator/target/gpu-compute-operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./mvnw package (verify builds it before the e2e tests)");
    }
    try {
      int healthPort = environment.containsKey("GPUCOMPUTE_HEALTH_PORT")
          ? Integer.parseInt(environment.get("GPUCOMPUTE_HEALTH_PORT")) : freeLoopbackPort();
      Path log = repoRoot.resolve("operator/target/e2e-operators")
          .resolve(name + "-" + LOG_TIME.format(Instant.now()) + ".log");
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>(List.of(javaBinary()));
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = builder.environment();
      env.clear();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("HOME", System.getProperty("user.home"));
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("POD_NAME", name);
      env.put("GPUCOMPUTE_HEALTH_PORT", Integer.toString(healthPort));
      env.putAll(environment);
      TestProcessTag.tag(env, "operator");
      Process process = builder.start();
      System.out.printf("e2e: operator %s started as pid %d (health port %d, log %s)%n", name, process.pid(),
          healthPort, log);
      return new OperatorProcess(name, process, log, healthPort);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start operator " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Whether the process has exited or exits within {@code grace}. */
  public boolean exitsWithin(Duration grace) {
    try {
      return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** When the process was started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** When this JVM saw the process end, if it has. */
  public Optional<Instant> exitedAt() {
    return process.isAlive() ? Optional.empty() : Optional.of(exitedAt.join());
  }

  /** The exit code, if the process has ended. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  public int healthPort() {
    return healthPort;
  }

  /** Everything the operator printed so far. */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + log, e);
    }
  }

  public Path logFile() {
    return log;
  }

  /** Waits until {@code /readyz} answers 200; fails at once, with the log's tail, if the process ends first. */
  public OperatorProcess awaitReady(Duration timeout) {
    await("operator " + name + " answers /readyz with 200").atMost(timeout).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          if (!process.isAlive()) {
            throw new AssertionError("operator " + name + " exited with code " + process.exitValue()
                + " before it was ready; its log ends with:\n" + tail(40));
          }
          return status("/readyz") == 200;
        });
    return this;
  }

  /** The HTTP status of {@code GET path} on the health port, or -1 when nothing answers. */
  public int status(String path) {
    return new HealthEndpoints(healthPort).status(path);
  }

  /** The body of {@code GET path} on the health port (for example {@code /metrics}), if something answers. */
  public Optional<String> body(String path) {
    return new HealthEndpoints(healthPort).body(path);
  }

  /** How many provider calls of {@code operation} (submit, observe, ...) this process counted, from its /metrics. */
  public long providerCalls(String operation) {
    Matcher m = PROVIDER_CALLS.matcher(body("/metrics").orElse(""));
    long total = 0;
    while (m.find()) {
      if (m.group(1).contains("operation=\"" + operation + "\"")) {
        total += (long) Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  /** SIGKILL: the JVM ends at once, without its shutdown hook. Returns once it is gone. */
  public void sigkill() {
    process.destroyForcibly();
    awaitExit(KILL_WAIT, "SIGKILL");
  }

  /**
   * SIGTERM, then waits up to {@code timeout} for the JVM to exit (its shutdown hook runs). Returns the exit code; if
   * it is still running after {@code timeout}, kills it and fails.
   */
  public int sigterm(Duration timeout) {
    process.destroy();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        awaitExit(KILL_WAIT, "SIGKILL after SIGTERM");
        throw new AssertionError("operator " + name + " did not exit within " + timeout + " of SIGTERM; its log ends "
            + "with:\n" + tail(40));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for operator " + name, e);
    }
    return process.exitValue();
  }

  /** The last {@code lines} lines of the log. */
  public String tail(int lines) {
    List<String> all = logText().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Kills the JVM if it still runs (SIGKILL) and waits until it is gone. */
  @Override
  public void close() {
    if (process.isAlive()) {
      sigkill();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnTestJvmExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private void awaitExit(Duration timeout, String what) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("operator " + name + " (pid " + process.pid() + ") still runs " + timeout
            + " after " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for operator " + name, e);
    }
  }

  /** The java of the test JVM (the build's JDK). */
  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
