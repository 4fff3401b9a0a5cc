package io.gpucompute.bench;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Issue #14's benchmark on the real API server: each scenario starts a control plane and the operator jar (with the
 * chart's JVM options), drives it, reads the API server's request counters and the stubs' request counts, and adds
 * rows to one Markdown table. Not a test: nothing here runs in {@code ./mvnw verify}. {@code hack/bench.sh} runs it.
 *
 * <p>Scenarios: {@code handoff} (P1), {@code burst} (P2, P3), {@code idle} (P4), {@code catalogue} (P5),
 * {@code memory} (P6), {@code dag} (P7); none named means all.
 */
public final class ApiServerBenchmark {

  static final List<String> ALL = List.of("handoff", "burst", "idle", "catalogue", "memory", "dag");

  private ApiServerBenchmark() {}

  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    List<String> scenarios = args.length == 0 ? ALL : Arrays.asList(args);
    List<Row> rows = new ArrayList<>();
    long start = System.nanoTime();
    for (String scenario : scenarios) {
      System.out.printf("== scenario %s%n", scenario);
      long began = System.nanoTime();
      rows.addAll(switch (scenario) {
        case "handoff" -> HandOffScenario.run();
        case "idle" -> IdleScenario.run();
        case "memory" -> MemoryScenario.run();
        case "catalogue" -> CatalogueScenario.run();
        case "dag" -> DagScenario.run(1000, Integer.getInteger("bench.dag.tasks", 5000));
        case "burst" -> BurstScenario.run(Integer.getInteger("bench.burst.jobs", 1000));
        default -> throw new IllegalArgumentException("unknown scenario " + scenario + "; known: " + ALL);
      });
      System.out.printf("== scenario %s took %.0f s%n", scenario, (System.nanoTime() - began) / 1e9);
    }
    System.out.printf("%nMachine: %d CPUs, %.1f GiB memory, Java %s (bench), %s; took %.0f s%n%n",
        Runtime.getRuntime().availableProcessors(), totalMemoryGiB(), System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"), (System.nanoTime() - start) / 1e9);
    System.out.println(Row.header());
    rows.forEach(r -> System.out.println(r.markdown()));
    System.exit(rows.stream().allMatch(Row::met) ? 0 : 1);
  }

  private static double totalMemoryGiB() {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
  }
}
