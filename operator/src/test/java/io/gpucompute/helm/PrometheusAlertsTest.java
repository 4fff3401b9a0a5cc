package io.gpucompute.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts, as Prometheus evaluates them: the PrometheusRule that Helm renders is checked and unit-tested
 * with {@code promtool} (Debian's prometheus package; hack/install-deps.sh installs it) against
 * helm/tests/alerts-test.yaml.
 */
class PrometheusAlertsTest {

  static final Path ALERT_TESTS = Path.of("..", "helm", "tests", "alerts-test.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir
  Path dir;

  /** The rule groups of the chart's PrometheusRule, as a Prometheus rule file. */
  static String ruleFile() throws IOException {
    String rendered = HelmChartTest.template(t -> t.set("metrics.prometheusRule.enabled", true));
    String rule = Stream.of(rendered.split("(?m)^---\\s*$")).filter(doc -> doc.contains("kind: PrometheusRule"))
        .findFirst().orElseThrow(() -> new AssertionError("no PrometheusRule rendered"));
    JsonNode spec = YAML.readTree(rule).path("spec");
    return YAML.writeValueAsString(spec);
  }

  @Test
  void theAlertsPassTheirPromtoolUnitTests() throws Exception {
    Files.writeString(dir.resolve("gpucompute-alerts.yaml"), ruleFile());
    Files.copy(ALERT_TESTS, dir.resolve("alerts-test.yaml"), StandardCopyOption.REPLACE_EXISTING);

    assertThat(promtool("check", "rules", "gpucompute-alerts.yaml")).contains("SUCCESS: 5 rules found");
    assertThat(promtool("test", "rules", "alerts-test.yaml")).contains("SUCCESS");
  }

  private String promtool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is missing: install Debian's prometheus package (hack/install-deps.sh)", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("%s:\n%s", String.join(" ", command), output).isZero();
    return output;
  }
}
