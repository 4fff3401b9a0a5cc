package io.gpucompute.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.e2e.ControlPlane;
import io.gpucompute.e2e.ControlPlaneExtension;
import io.gpucompute.e2e.OperatorProcess;
import io.gpucompute.testprocess.ProcessGroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One scenario's world: a fresh control plane ({@code hack/control-plane.sh up}, the committed CRDs) and the operator
 * jar in a JVM of its own, with the chart's JVM options ({@link ChartJvm}) and production timings unless the scenario
 * changes them. Everything lives under {@code operator/target/bench/<scenario>/}. {@link #close} stops the operator,
 * kills what its Local provider still runs, and stops the control plane.
 */
final class BenchCluster implements AutoCloseable {

  private final String scenario;
  private final Path dir;
  private final ControlPlane plane;
  private final Map<String, String> environment;
  private OperatorProcess operator;

  private BenchCluster(String scenario, Path dir, ControlPlane plane, Map<String, String> environment) {
    this.scenario = scenario;
    this.dir = dir;
    this.plane = plane;
    this.environment = environment;
  }

  /**
   * Starts a control plane and the operator for {@code scenario}; {@code operatorEnvironment} adds to (or overrides)
   * the operator's environment: Local enabled, its state directory, no nvidia-smi, the health server on loopback.
   */
  static BenchCluster start(String scenario, Map<String, String> operatorEnvironment) {
    return start(scenario, operatorEnvironment, Map.of());
  }

  /**
   * Like {@link #start(String, Map)}, with more environment for {@code hack/control-plane.sh up} (such as
   * {@code CONTROL_PLANE_CONTROLLER_MANAGER_EXTRA_ARGS}).
   */
  static BenchCluster start(String scenario, Map<String, String> operatorEnvironment,
      Map<String, String> controlPlaneEnvironment) {
    Path dir = ControlPlaneExtension.repoRoot().resolve("operator/target/bench").resolve(scenario);
    try {
      deleteRecursively(dir);
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ControlPlane plane = ControlPlane.start(ControlPlaneExtension.repoRoot(), dir.resolve("control-plane"),
        Duration.ofMinutes(5), controlPlaneEnvironment);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GPUCOMPUTE_STATE_DIR", dir.resolve("local-state").toString());
    // The scenarios run on Local ProviderConfigs, which the operator serves only when told to.
    env.put("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED", "true");
    env.put("GPUCOMPUTE_NVIDIA_SMI", OperatorProcess.NO_NVIDIA_SMI);
    env.put("GPUCOMPUTE_HEALTH_BIND_ADDRESS", "127.0.0.1");
    env.put("GPUCOMPUTE_LOG_LEVEL", "WARN");
    env.putAll(operatorEnvironment);
    BenchCluster cluster = new BenchCluster(scenario, dir, plane, env);
    try {
      cluster.startOperator();
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts the operator (again, after {@link #stopOperator}), and waits until it is ready. */
  void startOperator() {
    List<String> jvm = new ArrayList<>(ChartJvm.options());
    if (Boolean.getBoolean("bench.jfr")) {
      jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve(scenario + ".jfr") + ",settings=profile,dumponexit=true");
    }
    operator = OperatorProcess.start(plane.kubeconfig(), "bench-" + scenario, environment, jvm);
    operator.awaitReady(Duration.ofMinutes(2));
  }

  /** Stops the operator gracefully (its JFR recording, if any, is written). */
  void stopOperator() {
    if (operator != null && operator.alive()) {
      operator.sigterm(Duration.ofSeconds(60));
    }
  }

  KubernetesClient client() {
    return plane.client();
  }

  /** A client of its own, for load from several threads. The caller closes it. */
  KubernetesClient newClient() {
    return plane.newClient();
  }

  OperatorProcess operator() {
    return operator;
  }

  /** The Local provider's workload directories. */
  Path workloadsDir() {
    return dir.resolve("local-state").resolve("workloads");
  }

  Path dir() {
    return dir;
  }

  /** CPU used so far by the operator, kube-apiserver, etcd and this JVM (the benchmark's own load). */
  ProcessCpu cpu() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("operator", operator.pid());
    for (String component : List.of("kube-apiserver", "etcd")) {
      Path file = dir.resolve("control-plane/pids").resolve(component + ".pid");
      try {
        pids.put(component, Long.parseLong(Files.readString(file).strip()));
      } catch (IOException | NumberFormatException e) {
        pids.put(component, -1L);
      }
    }
    pids.put("benchmark", ProcessHandle.current().pid());
    return ProcessCpu.sample(pids);
  }

  /** The API server's request counters now. */
  ApiServerCounters counters() {
    return ApiServerCounters.scrape(plane.client());
  }

  @Override
  public void close() {
    try {
      if (operator != null) {
        operator.close();
      }
      killLocalWorkloads();
    } finally {
      plane.close();
    }
  }

  /** SIGKILLs the process group of every Local workload still running (they run in sessions of their own). */
  private void killLocalWorkloads() {
    Path workloads = workloadsDir();
    if (!Files.isDirectory(workloads)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(workloads)) {
      for (Path pidFile : dirs.map(d -> d.resolve("pid")).filter(Files::isRegularFile).toList()) {
        long pid = Long.parseLong(Files.readString(pidFile).strip().split("\\s+")[0]);
        if (ProcessGroups.groupOf(pid) == pid) {
          ProcessGroups.kill(pid);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
