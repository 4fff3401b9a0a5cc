package io.gpucompute.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gpucompute.e2e.ControlPlaneExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The operator JVM's options as the Helm chart sets them (values.yaml: {@code javaOptions}, which the Deployment
 * passes as JAVA_TOOL_OPTIONS), plus {@code -XX:MaxRAM} of the chart's memory limit: outside a container that makes
 * the JVM size itself as inside one, so a benchmark measures what the chart runs.
 */
final class ChartJvm {

  private ChartJvm() {}

  /**
   * The chart's options, or those of the system property {@code bench.javaOptions} (to compare others), and the
   * memory limit.
   */
  static List<String> options() {
    String chosen = System.getProperty("bench.javaOptions", values().path("javaOptions").asText(""));
    List<String> options = new ArrayList<>(Arrays.stream(chosen.trim().split("\\s+"))
        .filter(s -> !s.isEmpty()).toList());
    options.add("-XX:MaxRAM=" + memoryLimitBytes());
    return options;
  }

  /** The chart's memory limit of the operator container, in bytes. */
  static long memoryLimitBytes() {
    String limit = values().path("resources").path("limits").path("memory").asText();
    return quantity(limit);
  }

  private static JsonNode values() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(ControlPlaneExtension.repoRoot()
          .resolve("helm/gpu-compute-operator/values.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Kubernetes memory quantity such as {@code 512Mi} or {@code 1G}, in bytes. */
  static long quantity(String text) {
    String s = text.trim();
    String[][] units = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"K", "1000"}, {"M", "1000000"},
        {"G", "1000000000"}};
    for (String[] unit : units) {
      if (s.endsWith(unit[0])) {
        return Long.parseLong(s.substring(0, s.length() - unit[0].length())) * Long.parseLong(unit[1]);
      }
    }
    if (s.toLowerCase(Locale.ROOT).matches("\\d+")) {
      return Long.parseLong(s);
    }
    throw new IllegalArgumentException("not a memory quantity: " + text);
  }
}
