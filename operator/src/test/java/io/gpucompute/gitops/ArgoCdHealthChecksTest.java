package io.gpucompute.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Argo CD health checks of docs/argocd/, run by a real Lua 5.1 interpreter ({@code lua5.1}, as Argo CD's
 * gopher-lua implements 5.1; hack/install-deps.sh installs it) against sample statuses, and the values snippets
 * that install them.
 */
class ArgoCdHealthChecksTest {

  private static final Path DIR = Path.of("..", "docs", "argocd");
  private static final String LUA = "lua5.1";

  @BeforeAll
  static void luaIsInstalled() throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(LUA, "-v").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("lua5.1 is not installed: run hack/install-deps.sh (or apt-get install lua5.1)", e);
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Lua 5.1");
  }

  // --- GpuJob ---

  @Test
  void aJobWithoutStatusIsProgressing() throws Exception {
    assertThat(health("gpujob", job(1, null))).isEqualTo("Progressing|waiting for the operator");
  }

  @Test
  void aRunningJobIsProgressing() throws Exception {
    assertThat(health("gpujob", job(1, status(1, "Running", "attempt 1 running",
        cond("Complete", "False"), cond("Failed", "False"), cond("Reconciling", "True"), cond("Stalled", "False")))))
        .isEqualTo("Progressing|attempt 1 running");
  }

  @Test
  void aSucceededJobIsHealthy() throws Exception {
    assertThat(health("gpujob", job(1, status(1, "Succeeded", "exit code 0",
        cond("Complete", "True"), cond("Failed", "False"), cond("Reconciling", "False"), cond("Stalled", "False")))))
        .isEqualTo("Healthy|exit code 0");
  }

  @Test
  void aFailedJobIsDegraded() throws Exception {
    assertThat(health("gpujob", job(1, status(1, "Failed", "exit code 3",
        cond("Complete", "False"), cond("Failed", "True"), cond("Reconciling", "False"), cond("Stalled", "True")))))
        .isEqualTo("Degraded|exit code 3");
  }

  @Test
  void aStalledPendingJobIsDegradedAndASuspendedOneSuspended() throws Exception {
    assertThat(health("gpujob", job(1, status(1, "Pending", "no ProviderConfig gpu",
        cond("Complete", "False"), cond("Failed", "False"), cond("Reconciling", "False"), cond("Stalled", "True")))))
        .startsWith("Degraded|");
    assertThat(health("gpujob", job(1, status(1, "Suspended", "suspended",
        cond("Complete", "False"), cond("Failed", "False"), cond("Reconciling", "False"), cond("Stalled", "False")))))
        .startsWith("Suspended|");
  }

  @Test
  void aStatusOfAnOlderGenerationIsProgressing() throws Exception {
    assertThat(health("gpujob", job(2, status(1, "Succeeded", "done", cond("Complete", "True")))))
        .isEqualTo("Progressing|waiting for the operator to observe generation 2");
  }

  // --- GpuDag ---

  @Test
  void aDagIsProgressingWhileRunningHealthyOnSuccessAndDegradedOnFailure() throws Exception {
    assertThat(health("gpudag", job(1, status(1, "Running", "1 of 3 tasks succeeded, 1 running, 1 pending",
        cond("Complete", "False"), cond("Failed", "False"), cond("Reconciling", "True"), cond("Stalled", "False")))))
        .isEqualTo("Progressing|1 of 3 tasks succeeded, 1 running, 1 pending");
    assertThat(health("gpudag", job(1, status(1, "Succeeded", "3 of 3 tasks succeeded",
        cond("Complete", "True"), cond("Failed", "False"), cond("Reconciling", "False"), cond("Stalled", "False")))))
        .isEqualTo("Healthy|3 of 3 tasks succeeded");
    assertThat(health("gpudag", job(1, status(1, "Failed", "task train failed",
        cond("Complete", "False"), cond("Failed", "True"), cond("Reconciling", "False"), cond("Stalled", "True")))))
        .isEqualTo("Degraded|task train failed");
    assertThat(health("gpudag", job(1, status(1, "Pending", "dependency cycle",
        cond("Complete", "False"), cond("Failed", "False"), cond("Reconciling", "False"), cond("Stalled", "True")))))
        .isEqualTo("Degraded|dependency cycle");
  }

  // --- ProviderConfig ---

  @Test
  void aProviderConfigIsProgressingUntilProbedHealthyWhenReadyDegradedWhenNot() throws Exception {
    assertThat(health("providerconfig", job(1, null))).startsWith("Progressing|");
    assertThat(health("providerconfig", job(2, status(1, null, null, cond("Ready", "True", "Ready", "ok")))))
        .startsWith("Progressing|");
    assertThat(health("providerconfig", job(2, status(2, null, null,
        cond("Ready", "True", "Ready", "2 GPU offers")))))
        .isEqualTo("Healthy|Ready: 2 GPU offers");
    assertThat(health("providerconfig", job(1, status(1, null, null,
        cond("Ready", "False", "SecretNotFound", "Secret gpucompute/runpod not found")))))
        .isEqualTo("Degraded|SecretNotFound: Secret gpucompute/runpod not found");
  }

  // --- the snippets that install them ---

  @ParameterizedTest
  @ValueSource(strings = {"values-argocd.yaml", "argocd-cm.yaml"})
  void theSnippetsCarryTheLuaFilesVerbatim(String file) throws Exception {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve(file).toFile());
    JsonNode entries = file.startsWith("values") ? root.path("configs").path("cm") : root.path("data");
    for (String kind : List.of("GpuJob", "GpuDag", "ProviderConfig")) {
      assertThat(entries.path("resource.customizations.health.gpucompute.io_" + kind).asText())
          .as("%s's %s check equals docs/argocd/health-%s.lua", file, kind, kind.toLowerCase())
          .isEqualTo(Files.readString(DIR.resolve("health-" + kind.toLowerCase() + ".lua")));
    }
  }

  // --- harness ---

  private static Map<String, Object> cond(String type, String status) {
    return cond(type, status, null, null);
  }

  private static Map<String, Object> cond(String type, String status, String reason, String message) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status);
    if (reason != null) {
      c.put("reason", reason);
    }
    if (message != null) {
      c.put("message", message);
    }
    return c;
  }

  @SafeVarargs
  private static Map<String, Object> status(long observedGeneration, String phase, String message,
      Map<String, Object>... conditions) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("observedGeneration", observedGeneration);
    if (phase != null) {
      s.put("phase", phase);
    }
    if (message != null) {
      s.put("message", message);
    }
    s.put("conditions", List.of(conditions));
    return s;
  }

  private static Map<String, Object> job(long generation, Map<String, Object> status) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("metadata", Map.of("name", "sample", "generation", generation));
    if (status != null) {
      o.put("status", status);
    }
    return o;
  }

  /** Runs docs/argocd/health-{@code kind}.lua with global {@code obj}, as Argo CD does; "status|message". */
  private static String health(String kind, Map<String, Object> obj) throws Exception {
    Path script = DIR.resolve("health-" + kind + ".lua").toAbsolutePath();
    String program = "obj = " + lua(obj) + "\n"
        + "local check = assert(loadfile(" + lua(script.toString()) + "))\n"
        + "local hs = check()\n"
        + "io.write(tostring(hs.status), '|', tostring(hs.message))\n";
    Process p = new ProcessBuilder(LUA, "-").redirectErrorStream(true).start();
    p.getOutputStream().write(program.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("lua5.1 failed: %s", out).isZero();
    return out;
  }

  /** A Lua literal of a JSON-like value (maps, lists, strings, numbers, booleans). */
  private static String lua(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream().map(e -> "[" + lua(e.getKey().toString()) + "] = " + lua(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(v -> items.add(lua(v)));
      return "{" + String.join(", ", items) + "}";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    StringBuilder s = new StringBuilder("\"");
    for (char c : value.toString().toCharArray()) {
      s.append(c == '"' || c == '\\' ? "\\" + c : c == '\n' ? "\\n" : String.valueOf(c));
    }
    return s.append('"').toString();
  }
}
