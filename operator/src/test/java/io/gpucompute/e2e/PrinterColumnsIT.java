package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code kubectl get} shows of the gpucompute kinds. */
class PrinterColumnsIT extends OperatorE2eTestBase {

  @Test
  void getShowsTheJobColumnsInOrderAndTheCategoryListsBothKinds() {
    String ns = createNamespace("e2e-columns");
    apply(localProvider("local", 2)); // the quick start's allows only namespace default
    apply(shellJob(ns, "columns", "local", "echo hello"));
    kubectlWait(ns, "columns", "Complete");

    List<String> lines = kubectl.run("get", "gpujobs", "-n", ns).assertSuccess().stdout().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(columns(lines.get(0))).containsExactly("NAME", "STATUS", "PROVIDER", "GPU", "COST", "AGE");
    String[] row = columns(lines.get(1));
    assertThat(row).hasSize(6);
    assertThat(row[0]).isEqualTo("columns");
    assertThat(row[1]).isEqualTo("Succeeded");
    assertThat(row[2]).isEqualTo("Local/local");
    assertThat(row[3]).isEqualTo("A100x1");
    assertThat(row[4]).matches("\\d+\\.\\d+");

    String all = kubectl.run("get", "gpucompute", "-A").assertSuccess().stdout();
    assertThat(all).contains("gpujob.gpucompute.io/columns").contains("providerconfig.gpucompute.io/local");
    assertThat(all.lines().filter(line -> line.contains("gpujob.gpucompute.io/columns")).findFirst().orElseThrow())
        .startsWith(ns).contains("Succeeded");
  }

  private static String[] columns(String line) {
    return line.trim().split("\\s+");
  }
}
