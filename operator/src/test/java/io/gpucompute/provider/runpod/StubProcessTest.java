package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.testprocess.RunProcesses;
import io.gpucompute.testprocess.TaggedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A stub container is gone, whole, once {@link StubProcess#kill} returns: also the RunOnce wrapper's idle loop
 * ({@code while :; do sleep 3600; done}), whose shell started a new {@code sleep} when its child was killed before it
 * was, and left that {@code sleep} running for an hour after the tests.
 */
class StubProcessTest {

  private static final String IDLE_LOOP = "while :; do sleep 3600; done";

  @RepeatedTest(10)
  void killLeavesNothingOfAContainerThatLoops() throws Exception {
    List<StubProcess.Line> output = new ArrayList<>();
    StubProcess container = StubProcess.start(List.of("sh", "-c", "echo up; " + IDLE_LOOP), Map.of(), output,
        code -> {});
    await().atMost(Duration.ofSeconds(10)).until(() -> stubContainerProcesses().size() >= 2);

    container.kill();

    assertThat(container.treeDead()).isTrue();
    assertThat(stubContainerProcesses()).as("processes of the killed container").isEmpty();
  }

  /** The live processes tagged as stub containers (this test's only), the sleeps its loop started included. */
  private static List<TaggedProcess> stubContainerProcesses() {
    return RunProcesses.live().stream().filter(p -> "runpod-stub container".equals(p.what())).toList();
  }
}
