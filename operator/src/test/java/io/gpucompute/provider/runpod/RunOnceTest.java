package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run-once wrapper, run for real by {@code sh} the way a pod runs it (its start command evaluating the script
 * from the environment), including the restarts RunPod does.
 */
class RunOnceTest {

  private static final io.gpucompute.provider.WorkloadKey KEY =
      new io.gpucompute.provider.WorkloadKey("team-a", "train", "0f1e2d3c", 2);
  private static final String NAME = KEY.workloadName();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path markers;

  private final List<StubProcess> containers = new ArrayList<>();

  @AfterEach
  void killContainers() {
    containers.forEach(StubProcess::kill);
  }

  /** Starts the pod's container once: its start command, with the script in the environment. */
  private List<StubProcess.Line> runContainer(List<String> argv, List<StubProcess.Line> log) throws IOException {
    String script = RunOnce.script(KEY, argv, markers.toString());
    containers.add(StubProcess.start(StubProcess.split(RunOnce.DOCKER_ARGS), Map.of(RunOnce.SCRIPT_VARIABLE, script),
        log, code -> {}));
    return log;
  }

  private static List<PodLogs.Line> asLog(List<StubProcess.Line> lines) {
    synchronized (lines) {
      return lines.stream().map(l -> new PodLogs.Line(l.ts(), l.text())).toList();
    }
  }

  private static RunOnce.Outcome awaitOutcome(List<StubProcess.Line> log) {
    return await().atMost(WAIT).until(() -> RunOnce.parse(asLog(log), NAME), RunOnce.Outcome::finished);
  }

  @Test
  void theStartCommandNeedsNoEscapingAndSplitsIntoShDashCEval() {
    assertThat(StubProcess.split(RunOnce.DOCKER_ARGS)).containsExactly("sh", "-c", "eval \"$GPUCOMPUTE_RUN\"");
  }

  @Test
  void theArgvRunsExactlyAsGivenWhateverItsQuotes() throws IOException {
    List<String> argv = List.of("printf", "%s|", "it's", "\"double\"", "$HOME", "back\\slash", "two\nlines", "");

    RunOnce.Outcome outcome = awaitOutcome(runContainer(argv, new ArrayList<>()));

    assertThat(outcome.exitCode()).isZero();
    assertThat(String.join("\n", outcome.output())).isEqualTo("it's|\"double\"|$HOME|back\\slash|two\nlines||");
  }

  @Test
  void theCommandKnowsItsJobAndAttemptAsOnTheLocalProvider() throws IOException {
    RunOnce.Outcome outcome = awaitOutcome(runContainer(List.of("sh", "-c",
        "echo \"$GPUCOMPUTE_JOB_NAMESPACE/$GPUCOMPUTE_JOB_NAME#$GPUCOMPUTE_JOB_ATTEMPT\""), new ArrayList<>()));

    assertThat(outcome.output()).containsExactly("team-a/train#2");
  }

  @Test
  void theExitCodeIsReportedAndRecordedAndTheContainerKeepsRunning() throws IOException {
    List<StubProcess.Line> log = runContainer(List.of("sh", "-c", "echo out; exit 7"), new ArrayList<>());

    RunOnce.Outcome outcome = awaitOutcome(log);

    assertThat(outcome.exitCode()).isEqualTo(7);
    assertThat(outcome.lost()).isFalse();
    assertThat(outcome.output()).containsExactly("out");
    assertThat(outcome.startedAt()).isNotNull();
    assertThat(outcome.finishedAt()).isNotNull();
    assertThat(Files.readString(markers.resolve(NAME).resolve("exit-code")).strip()).isEqualTo("7");
    assertThat(containers.get(0).alive()).as("the wrapper sleeps, so RunPod has nothing to restart").isTrue();
  }

  @Test
  void aRestartAfterTheEndRepeatsTheExitCodeWithoutRunningTheCommand() throws IOException {
    List<StubProcess.Line> log = new ArrayList<>();
    List<String> argv = List.of("sh", "-c", "echo the-command-ran; exit 0");
    awaitOutcome(runContainer(argv, log));
    containers.get(0).kill();

    runContainer(argv, log); // RunPod restarts the container
    await().atMost(WAIT).until(() -> asLog(log).stream().filter(l -> l.text().endsWith("exit-code=0")).count() == 2);

    RunOnce.Outcome outcome = RunOnce.parse(asLog(log), NAME);
    assertThat(outcome.output()).containsExactly("the-command-ran");
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.restarted()).isTrue();
  }

  @Test
  void aRestartWhileTheCommandRanReportsItLostWithoutRunningItAgain() throws IOException {
    List<StubProcess.Line> log = new ArrayList<>();
    List<String> argv = List.of("sh", "-c", "echo the-command-ran; sleep 300");
    runContainer(argv, log);
    await().atMost(WAIT).until(() -> asLog(log).stream().anyMatch(l -> l.text().equals("the-command-ran")));
    containers.get(0).kill();

    runContainer(argv, log);
    RunOnce.Outcome outcome = awaitOutcome(log);

    assertThat(outcome.lost()).isTrue();
    assertThat(outcome.exitCode()).isNull();
    assertThat(outcome.output()).containsExactly("the-command-ran");
  }

  @Test
  void parseIgnoresMarkersOfOtherWorkloadsAndKeepsTheFirstEndTime() {
    Instant t1 = Instant.parse("2026-01-01T00:00:01Z");
    Instant t2 = Instant.parse("2026-01-01T00:00:02Z");
    Instant t3 = Instant.parse("2026-01-01T00:00:03Z");
    List<PodLogs.Line> log = List.of(
        new PodLogs.Line(t1, RunOnce.prefix(NAME) + "started"),
        new PodLogs.Line(t1, "gpucompute-run[gpujob-other-1]: exit-code=9"),
        new PodLogs.Line(t2, RunOnce.prefix(NAME) + "exit-code=4"),
        new PodLogs.Line(t3, RunOnce.prefix(NAME) + "restarted after the command ended; not running it again"),
        new PodLogs.Line(t3, RunOnce.prefix(NAME) + "exit-code=4"));

    RunOnce.Outcome outcome = RunOnce.parse(log, NAME);

    assertThat(outcome.exitCode()).isEqualTo(4);
    assertThat(outcome.startedAt()).isEqualTo(t1);
    assertThat(outcome.finishedAt()).isEqualTo(t2);
    assertThat(outcome.restarted()).isTrue();
    assertThat(outcome.output()).containsExactly("gpucompute-run[gpujob-other-1]: exit-code=9");
  }

  @Test
  void outputWithoutATrailingNewlineStaysOutputAndTheExitLineIsStillSeen() {
    RunOnce.Outcome outcome = RunOnce.parse(List.of(new PodLogs.Line(null, "no newline at the end"
        + RunOnce.prefix(NAME) + "exit-code=0")), NAME);

    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.output()).containsExactly("no newline at the end");
  }

  @Test
  void aLogWithoutAnExitLineIsNotFinished() {
    RunOnce.Outcome outcome = RunOnce.parse(List.of(new PodLogs.Line(null, RunOnce.prefix(NAME) + "started"),
        new PodLogs.Line(null, "epoch 1")), NAME);

    assertThat(outcome.finished()).isFalse();
    assertThat(outcome.output()).containsExactly("epoch 1");
  }
}
