package io.gpucompute.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/conditions.md lists every reason the code can set, and no other. The code's reasons are read from the code
 * ({@link ReasonsInCode} says how); the documented ones are the names in the first column of every table of
 * conditions.md whose first column is headed {@code Reason}. A new reason needs a row in one of those tables; a
 * row whose reason the code no longer sets goes.
 */
class ConditionReasonsTest {

  private static final Path CONDITIONS = DocLinksTest.REPO_ROOT.resolve("docs/conditions.md");
  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)`");

  @Test
  void conditionsMdListsEveryReasonTheCodeCanSetAndNoOther() throws Exception {
    ReasonsInCode.Found code = ReasonsInCode.scan(Path.of("src/main/java"));
    Map<String, Integer> documented = documented();

    assertThat(code.unresolved()).as("reason arguments whose value the test cannot read").isEmpty();
    // The scan finds reasons of every kind, or it reads nothing: the job's, the DAG's, a ProviderConfig's, an
    // adapter's, an Event's and a reconcile error's.
    assertThat(code.reasons()).containsKeys("WorkloadRunning", "TasksRunning", "ProbeSucceeded", "RunPodRejected",
        "Throttled", "CleanupBlocked", "ReconcileError", "NoCapacity", "InvalidCredentials");

    Map<String, Set<String>> undocumented = new TreeMap<>(code.reasons());
    undocumented.keySet().removeAll(documented.keySet());
    assertThat(undocumented).as("reasons the code sets (where) that no Reason table of docs/conditions.md lists")
        .isEmpty();
    Set<String> unset = new TreeSet<>(documented.keySet());
    unset.removeAll(code.reasons().keySet());
    assertThat(unset).as("reasons docs/conditions.md lists that the code never sets").isEmpty();
  }

  /** The reasons in the first column of conditions.md's Reason tables, with the line of their first row. */
  private static Map<String, Integer> documented() {
    Map<String, Integer> reasons = new TreeMap<>();
    MarkdownFile.read(CONDITIONS).firstCellsOfTables("Reason").forEach((line, cell) -> {
      Matcher name = NAME.matcher(cell);
      while (name.find()) {
        reasons.putIfAbsent(name.group(1), line);
      }
    });
    return reasons;
  }
}
