package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.WorkloadState;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a pod and its log map onto an observation. */
class PodVerdictTest {

  private static final String NAME = "gpujob-abc-1";
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant END = Instant.parse("2026-03-01T10:05:00Z");

  private static JsonNode pod(String desiredStatus, boolean containerUp) {
    ObjectNode pod = Json.MAPPER.createObjectNode().put("id", "p1").put("desiredStatus", desiredStatus)
        .put("costPerHr", 0.69).put("gpuCount", 1);
    pod.putObject("machine").put("gpuDisplayName", "RTX 4090");
    if (containerUp) {
      pod.putObject("runtime").put("uptimeInSeconds", 12);
    } else {
      pod.putNull("runtime");
    }
    return pod;
  }

  private static PodLogs.Read log(String... lines) {
    List<PodLogs.Line> parsed = new java.util.ArrayList<>();
    parsed.add(new PodLogs.Line(START, RunOnce.prefix(NAME) + "started"));
    for (String line : lines) {
      parsed.add(new PodLogs.Line(line.contains("exit-code=") ? END : START, line));
    }
    return PodLogs.Read.of(parsed);
  }

  @Test
  void aRunningPodWithoutAnExitLineIsRunningWithItsOutputAndPrice() {
    Observation o = PodVerdict.of(pod("RUNNING", true), log("epoch 1"), NAME);

    assertThat(o.state()).isEqualTo(WorkloadState.RUNNING);
    assertThat(o.logTail()).isEqualTo("epoch 1\n");
    assertThat(o.message()).contains("1x RTX 4090", "0.69 USD/h");
    assertThat(o.startedAt()).as("a pod bills from its deploy, not its command's start").isNull();
  }

  @Test
  void aPodWhoseContainerIsNotUpIsPending() {
    Observation o = PodVerdict.of(pod("RUNNING", false), null, NAME);

    assertThat(o.state()).isEqualTo(WorkloadState.PENDING);
    assertThat(o.logTail()).isNull();
  }

  @Test
  void exitLineZeroIsSucceededAndOtherCodesFailed() {
    Observation ok = PodVerdict.of(pod("RUNNING", true), log("done", RunOnce.prefix(NAME) + "exit-code=0"), NAME);
    Observation failed = PodVerdict.of(pod("RUNNING", true), log(RunOnce.prefix(NAME) + "exit-code=137"), NAME);

    assertThat(ok.state()).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.finishedAt()).as("a pod bills until it is terminated, not until its command ends").isNull();
    assertThat(ok.logTail()).isEqualTo("done\n");
    assertThat(failed.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(failed.exitCode()).isEqualTo(137);
    assertThat(failed.message()).contains("exited with code 137");
  }

  @Test
  void anExitLineCountsEvenOnAStoppedPod() {
    assertThat(PodVerdict.of(pod("EXITED", false), log(RunOnce.prefix(NAME) + "exit-code=0"), NAME).state())
        .isEqualTo(WorkloadState.SUCCEEDED);
  }

  @Test
  void aStoppedPodWithoutAnExitLineIsLost() {
    Observation o = PodVerdict.of(pod("EXITED", false), log("half way"), NAME);

    assertThat(o.state()).isEqualTo(WorkloadState.LOST);
    assertThat(o.exitCode()).isNull();
    assertThat(o.logTail()).isEqualTo("half way\n");
  }

  @Test
  void aLostLineIsLost() {
    assertThat(PodVerdict.of(pod("RUNNING", true), log(RunOnce.prefix(NAME) + "exit-code=lost"), NAME).state())
        .isEqualTo(WorkloadState.LOST);
  }

  @Test
  void unavailableLogsGiveANullLogTailAndTheReason() {
    Observation o = PodVerdict.of(pod("RUNNING", true), PodLogs.Read.unavailable("HTTP 403"), NAME);

    assertThat(o.state()).isEqualTo(WorkloadState.RUNNING);
    assertThat(o.logTail()).isNull();
    assertThat(o.message()).contains("logs unavailable (HTTP 403)");
  }

  @Test
  void theTailIsBoundedInLinesAndBytes() {
    List<String> many = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "line " + i).toList();
    String fat = String.join("", Collections.nCopies(5000, "x"));

    assertThat(PodVerdict.tail(many).lines()).hasSize(PodVerdict.MAX_LINES).last().isEqualTo("line 99");
    assertThat(PodVerdict.tail(List.of("a", fat, "b"))).isEqualTo("b\n");
    assertThat(PodVerdict.tail(List.of(fat)).length()).isLessThanOrEqualTo(PodVerdict.MAX_BYTES);
    assertThat(PodVerdict.tail(List.of())).isEmpty();
  }
}
