package io.gpucompute.bench;

import ch.qos.logback.classic.Level;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.dag.ChildJobState;
import io.gpucompute.dag.ChildJobBuilder;
import io.gpucompute.dag.DagGraph;
import io.gpucompute.dag.DagPlan;
import io.gpucompute.dag.DagPlanner;
import io.gpucompute.dag.DagSituation;
import io.gpucompute.job.JobTiming;
import io.gpucompute.job.TestTimings;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.OperatorSettings;
import io.gpucompute.operator.TestResources;
import io.gpucompute.provider.local.LocalSettings;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures GpuDags of instant tasks; not a test. Two modes, each over the task counts given:
 *
 * <ul>
 *   <li>{@code planner}: the GpuDag reconciler's own work per event without an API server: cache lookups of every
 *       task's GpuJob, {@link DagPlanner#plan}, building the GpuJobs to create, and serializing the status the
 *       reconciler would write. Two event models: one reconcile per finished task (nothing coalesced, the worst case),
 *       and one reconcile per 64 finished tasks (parallelism 64, fully coalesced). Thread CPU via ThreadMXBean.</li>
 *   <li>{@code mock}: the whole operator, as in production with the Local provider, against fabric8's mock API
 *       server in this JVM, running a DAG of one root and N-1 tasks that depend on it ({@code true}, parallelism 64,
 *       64 declared GPUs). Wall time, process CPU (operator, mock server and client together), the CPU and count of
 *       the gpudag and gpujob controllers' reconciles (JOSDK's Metrics hook around each reconcile), and the size of
 *       the finished GpuDag object.</li>
 * </ul>
 *
 * <p>Run from the repository root (docs/performance.md has results):
 * <pre>
 * ./mvnw -q -B -o -pl operator test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gpucompute.bench.GpuDagBenchmark -Dexec.args="planner 1000 5000 10000"
 * ./mvnw -q -B -o -pl operator test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gpucompute.bench.GpuDagBenchmark -Dexec.args="mock 1000 2000"
 * </pre>
 */
public final class GpuDagBenchmark {

  private static final int PARALLELISM = 64;
  private static final String NS = "bench";
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Held, so java.util.logging does not forget its level (it keeps loggers weakly). */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private GpuDagBenchmark() {}

  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    String mode = args.length == 0 ? "planner" : args[0];
    int[] sizes = args.length <= 1 ? new int[] {1000, 5000}
        : Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray();
    System.out.printf("GpuDag benchmark, mode %s, %d CPUs, Java %s%n", mode,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (mode.equals("planner")) {
      planner(sizes);
    } else if (mode.equals("mock")) {
      mock(sizes);
    } else {
      throw new IllegalArgumentException("mode must be planner or mock, was " + mode);
    }
    System.exit(0);
  }

  // ---- planner mode

  private static void planner(int[] sizes) {
    for (int warmup : new int[] {1000, 1000}) {
      simulate(warmup, 1);
    }
    System.out.println("| tasks | event model | reconciles | CPU total | CPU per reconcile | per reconcile and task "
        + "| graph check | status JSON |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int n : sizes) {
      for (int batch : new int[] {1, PARALLELISM}) {
        Result r = simulate(n, batch);
        System.out.printf("| %,d | %s | %,d | %.2f s | %.3f ms | %.0f ns | %.2f ms | %,d bytes |%n", n,
            batch == 1 ? "1 reconcile per finished task" : "1 reconcile per 64 finished tasks", r.reconciles,
            r.cpuNanos / 1e9, r.cpuNanos / 1e6 / r.reconciles, (double) r.cpuNanos / r.reconciles / n,
            r.graphNanos / 1e6, r.statusBytes);
      }
    }
  }

  private record Result(long reconciles, long cpuNanos, long graphNanos, int statusBytes) {}

  /**
   * One DAG run as the reconciler sees it: after each reconcile, {@code batch} running tasks finish (their GpuJobs
   * succeed in the cache), and the next event reconciles again.
   */
  private static Result simulate(int n, int batch) {
    GpuDag dag = dag("sim", n);
    dag.getMetadata().setUid("uid-sim");
    dag.getMetadata().setGeneration(1L);
    KubernetesSerialization json = new KubernetesSerialization();
    Map<String, GpuJob> cache = new HashMap<>(); // the informer cache, by namespace/name
    Deque<String> running = new ArrayDeque<>();
    GpuDagStatus written = null;
    Instant now = Instant.parse("2025-01-10T09:00:00Z");
    long graphStart = THREADS.getCurrentThreadCpuTime();
    DagGraph graph = DagGraph.compile("sim", dag.getSpec());
    long graphNanos = THREADS.getCurrentThreadCpuTime() - graphStart;
    long cpu = 0;
    long reconciles = 0;
    int statusBytes = 0;
    while (written == null || !written.getPhase().isTerminal()) {
      long start = THREADS.getCurrentThreadCpuTime();
      // --- what GpuDagReconciler.reconcile does, minus the API calls
      Map<String, ChildJobState> observed = new HashMap<>();
      for (String task : graph.names()) {
        GpuJob job = cache.get(NS + "/" + ChildJobBuilder.name("sim", task));
        if (job != null) {
          observed.put(task, ChildJobState.of(job, "uid-sim"));
        }
      }
      DagPlan plan = DagPlanner.plan(graph, new DagSituation(1L, dag.getSpec(), written, observed, now));
      List<GpuJob> created = new ArrayList<>();
      for (String task : plan.create()) {
        created.add(ChildJobBuilder.build(dag, dag.getSpec().getTasks().get(taskIndex(task))));
      }
      if (!plan.status().equals(written)) {
        statusBytes = json.asJson(plan.status()).getBytes(StandardCharsets.UTF_8).length;
        written = plan.status();
      }
      cpu += THREADS.getCurrentThreadCpuTime() - start;
      reconciles++;
      // --- the world moves: created jobs appear in the cache, then some running ones succeed
      for (GpuJob job : created) {
        job.getMetadata().setUid(job.getMetadata().getName());
        cache.put(NS + "/" + job.getMetadata().getName(), job);
        running.add(job.getMetadata().getName());
      }
      for (int i = 0; i < batch && !running.isEmpty(); i++) {
        GpuJobStatus status = new GpuJobStatus();
        status.setPhase(JobPhase.Succeeded);
        status.setAccruedCost("0.000556");
        cache.get(NS + "/" + running.poll()).setStatus(status);
      }
      now = now.plusMillis(50);
    }
    return new Result(reconciles, cpu, graphNanos, statusBytes);
  }

  private static int taskIndex(String task) {
    return task.equals("root") ? 0 : Integer.parseInt(task.substring(1));
  }

  /** A DAG of one root task and n-1 tasks that depend on it, each running {@code true}. */
  static GpuDag dag(String name, int n) {
    GpuDag dag = new GpuDag();
    dag.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    GpuDagSpec spec = new GpuDagSpec();
    GpuJobTemplate defaults = TestResources.localA100Defaults();
    defaults.setCommand(List.of("true"));
    spec.setDefaults(defaults);
    List<DagTask> tasks = new ArrayList<>();
    tasks.add(DagTask.of("root"));
    for (int i = 1; i < n; i++) {
      tasks.add(DagTask.of(String.format("t%04d", i), "root"));
    }
    spec.setTasks(tasks);
    spec.setParallelism(PARALLELISM);
    dag.setSpec(spec);
    return dag;
  }

  // ---- mock mode

  /** Thread CPU and count of the reconciles of each controller. */
  private static final class ReconcileMeter implements Metrics {
    final Map<String, AtomicLong> cpu = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> count = new ConcurrentHashMap<>();

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
      long start = THREADS.getCurrentThreadCpuTime();
      try {
        return execution.execute();
      } finally {
        String key = execution.controllerName();
        cpu.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(THREADS.getCurrentThreadCpuTime() - start);
        count.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      }
    }

    String describe(String controller) {
      long c = cpu.getOrDefault(controller, new AtomicLong()).get();
      long k = count.getOrDefault(controller, new AtomicLong()).get();
      return String.format("%,d reconciles, %.2f s CPU", k, c / 1e9);
    }
  }

  private static void mock(int[] sizes) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.println("| tasks | wall | process CPU | gpudag controller | gpujob controller | GpuDag object |");
    System.out.println("|---|---|---|---|---|---|");
    for (int n : sizes) {
      Path stateDir = Files.createTempDirectory("gpudag-bench-");
      var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
          new KubernetesCrudDispatcher(), false);
      server.init();
      KubernetesClient client = server.createClient();
      TestResources.installCrds(client);
      TestResources.createNamespace(client, NS, Map.of());
      client.resource(TestResources.localProvider("local", PARALLELISM, spec -> {})).create();
      ReconcileMeter meter = new ReconcileMeter();
      JobTiming timing = TestTimings.FAST;
      OperatorSettings settings = new OperatorSettings(
          LocalSettings.enabled(stateDir, "gpucompute-bench-no-nvidia-smi", Duration.ofSeconds(2)), timing,
          Duration.ofSeconds(30), 0, Optional.empty(), Optional.empty(), "bench");
      GpuComputeOperator operator = GpuComputeOperator.start(client, settings, Clock.systemUTC(),
          o -> o.withUseSSAToPatchPrimaryResource(false).checkingCRDAndValidateLocalModel(false)
              .withParseResourceVersions(true).withMetrics(meter));
      long cpuStart = os.getProcessCpuTime();
      long wallStart = System.nanoTime();
      client.resource(dag("bench", n)).create();
      GpuDag done;
      while (true) {
        done = client.resources(GpuDag.class).inNamespace(NS).withName("bench").get();
        if (done.getStatus() != null && done.getStatus().getPhase() == DagPhase.Succeeded) {
          break;
        }
        if (System.nanoTime() - wallStart > Duration.ofMinutes(30).toNanos()) {
          throw new IllegalStateException("not done after 30 minutes: " + done.getStatus().getMessage());
        }
        Thread.sleep(250);
      }
      double wall = (System.nanoTime() - wallStart) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      int size = client.getKubernetesSerialization().asJson(done).getBytes(StandardCharsets.UTF_8).length;
      int statusSize = client.getKubernetesSerialization().asJson(done.getStatus()).getBytes(StandardCharsets.UTF_8).length;
      System.out.printf("| %,d | %.1f s | %.1f s | %s | %s | %,d bytes (status %,d) |%n", n, wall, cpu,
          meter.describe("gpudag"), meter.describe("gpujob"), size, statusSize);
      operator.close();
      client.close();
      server.destroy();
    }
  }
}
