package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.WorkloadState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadVerdictTest {

  @ParameterizedTest(name = "exit={0} cancelled={1} alive={2} -> {3}")
  @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
      0   | false | false | SUCCEEDED | 0   | exited with code 0
      0   | false | true  | SUCCEEDED | 0   | exited with code 0
      3   | false | false | FAILED    | 3   | exited with code 3
      137 | false | false | FAILED    | 137 | exited with code 137 (killed by signal 9)
      0   | true  | false | SUCCEEDED | 0   | exited with code 0
      -   | true  | false | FAILED    | -   | cancelled
      -   | true  | true  | FAILED    | -   | cancelled
      -   | false | true  | RUNNING   | -   | -
      -   | false | false | LOST      | -   | process 4242 is gone without an exit code
      """)
  void decidesTheState(Integer exitCode, boolean cancelled, boolean alive, WorkloadState state, Integer reportedExit,
      String message) {
    WorkloadVerdict verdict = WorkloadVerdict.of(exitCode, cancelled, alive, 4242);

    assertThat(verdict).isEqualTo(new WorkloadVerdict(state, reportedExit, message));
  }
}
