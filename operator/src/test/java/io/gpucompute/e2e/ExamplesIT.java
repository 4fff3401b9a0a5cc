package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples that the Local provider can run, applied as they are with kubectl, run to completion. The others
 * need what a test host lacks: pytorch-a100.yaml a real image with torch, the RunPod ones a cloud account.
 */
class ExamplesIT extends OperatorE2eTestBase {

  /** What is applied, in order: the quick start (a directory), then the other runnable examples. */
  private static final List<String> RUNNABLE_HERE = List.of("examples/quickstart/", "examples/retrying-gpujob.yaml");

  @Test
  void everyRunnableExampleRunsToCompletion() {
    List<String> jobs = new ArrayList<>();
    for (String example : RUNNABLE_HERE) {
      jobs.addAll(applied(example));
    }
    assertThat(jobs).containsExactlyInAnyOrder("hello", "flaky");

    for (String job : jobs) {
      kubectlWait("default", job, "Complete");
    }

    GpuJobStatus hello = job("default", "hello").getStatus();
    assertThat(hello.getPhase()).isEqualTo(JobPhase.Succeeded);
    assertThat(hello.getExitCode()).isZero();
    assertThat(hello.getLogTail()).contains("hello from GPU(s) ").contains("done");
    assertThat(hello.getAccruedCost()).matches("\\d+\\.\\d+");
    assertThat(hello.getProvider()).isEqualTo("Local/local");
    assertThat(hello.getAttempts()).isEqualTo(1);

    GpuJobStatus flaky = job("default", "flaky").getStatus();
    assertThat(flaky.getPhase()).isEqualTo(JobPhase.Succeeded);
    assertThat(flaky.getAttempts()).isEqualTo(2);
    assertThat(flaky.getFailures()).isEqualTo(1);
    assertThat(flaky.getExitCode()).isZero();
    assertThat(flaky.getLogTail()).contains("attempt 2");
  }

  /** Applies {@code path} with kubectl and returns the names of the GpuJobs it holds. */
  private List<String> applied(String path) {
    String out = kubectl.run("apply", "-f", path, "-o", "name").assertSuccess().stdout();
    return out.lines().filter(line -> line.startsWith("gpujob.gpucompute.io/"))
        .map(line -> line.substring(line.indexOf('/') + 1)).toList();
  }
}
