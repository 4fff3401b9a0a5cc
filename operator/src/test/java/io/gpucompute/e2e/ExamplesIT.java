package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.GpuDag;
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
  private static final List<String> RUNNABLE_HERE = List.of("examples/quickstart/", "examples/retrying-gpujob.yaml",
      "examples/gpudag-pipeline.yaml");

  @Test
  void everyRunnableExampleRunsToCompletion() {
    List<String> jobs = new ArrayList<>();
    List<String> dags = new ArrayList<>();
    for (String example : RUNNABLE_HERE) {
      List<String> objects = applied(example);
      jobs.addAll(named(objects, "gpujob.gpucompute.io/"));
      dags.addAll(named(objects, "gpudag.gpucompute.io/"));
    }
    assertThat(jobs).containsExactlyInAnyOrder("hello", "flaky");
    assertThat(dags).containsExactlyInAnyOrder("hello-dag", "pipeline");

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

    for (String dag : dags) {
      kubectlWait("default", "gpudag/" + dag, "Complete", java.time.Duration.ofMinutes(3));
    }
    GpuDag pipeline = client.resources(GpuDag.class).inNamespace("default").withName("pipeline").get();
    assertThat(pipeline.getStatus().getPhase()).isEqualTo(DagPhase.Succeeded);
    assertThat(pipeline.getStatus().getProgress()).isEqualTo("4/4");
    assertThat(pipeline.getStatus().getAccruedCost()).matches("\\d+\\.\\d+");
    assertThat(client.resources(io.gpucompute.api.v1alpha1.GpuJob.class).inNamespace("default")
        .withLabel("gpucompute.io/dag", "pipeline").list().getItems())
        .hasSize(4)
        .allSatisfy(child -> assertThat(child.getMetadata().getOwnerReferences())
            .anySatisfy(owner -> assertThat(owner.getUid()).isEqualTo(pipeline.getMetadata().getUid())));
  }

  /** Applies {@code path} with kubectl and returns what it created, as kubectl names them ({@code kind.group/name}). */
  private List<String> applied(String path) {
    return kubectl.run("apply", "-f", path, "-o", "name").assertSuccess().stdout().lines().toList();
  }

  private static List<String> named(List<String> objects, String prefix) {
    return objects.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length())).toList();
  }
}
