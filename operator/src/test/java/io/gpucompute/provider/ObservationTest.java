package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a bulk observation keeps of an observation ({@link Observation#withoutLogTailWhileHeld}), state by state. */
class ObservationTest {

  @ParameterizedTest(name = "{0}: tail kept {1}")
  @CsvSource({"PENDING, false", "RUNNING, false", "SUCCEEDED, true", "FAILED, true", "LOST, true", "PREEMPTED, true"})
  void aBulkObservationLeavesOutTheLogTailOnlyWhileTheWorkloadIsHeld(WorkloadState state, boolean tailKept) {
    Observation observed = new Observation(state, "id-1", state == WorkloadState.FAILED ? 3 : null, "message",
        "last lines\n", Instant.parse("2026-01-01T10:00:00Z"), null);

    Observation inBulk = observed.withoutLogTailWhileHeld();

    assertThat(inBulk.logTail()).isEqualTo(tailKept ? "last lines\n" : null);
    assertThat(inBulk).usingRecursiveComparison().ignoringFields("logTail").isEqualTo(observed);
  }
}
