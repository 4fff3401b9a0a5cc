package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.operator.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Deleting a running job stops its processes; the finalizer lets the object go only then. A job deleted at once
 * leaves nothing behind.
 */
class JobDeletionIT extends OperatorE2eTestBase {

  @Test
  void deletingARunningJobStopsItsProcessesAndTheObjectGoes() throws Exception {
    String ns = createNamespace("e2e-delete");
    apply(localProvider("e2e-delete", 1));
    Path pidFile = workDir.resolve("pid");
    apply(shellJob(ns, "doomed", "e2e-delete", "echo $$ > " + pidFile + "; sleep 300"));
    awaitPhase(ns, "doomed", JobPhase.Running);
    long pid = awaitPid(pidFile);
    ProcessHandle shell = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
    assertThat(shell.isAlive()).isTrue();
    // The shell and its sleep, where the shell forked one (a shell may also exec its last command).
    List<ProcessHandle> processes = Stream.concat(Stream.of(shell), shell.descendants()).toList();
    assertThat(job(ns, "doomed").getMetadata().getFinalizers()).isNotEmpty();

    // kubectl delete waits until the object is gone, i.e. the finalizer was removed.
    kubectl.run(WAIT.plusSeconds(30), "delete", "gpujob", "doomed", "-n", ns, "--timeout=" + WAIT.toSeconds() + "s")
        .assertSuccess();

    assertThat(job(ns, "doomed")).isNull();
    await("the job's processes gone").atMost(WAIT).pollInterval(POLL)
        .until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
  }

  /**
   * Jobs deleted as soon as they are created (a script's create-then-delete, Argo CD pruning) leave nothing behind:
   * the operator's finalizer, applied to a job already gone, makes no spec-less copy of it that nothing can delete.
   * The operator sees the events in order, so once a job created after them has run, it has seen them all.
   */
  @Test
  void jobsDeletedAsSoonAsTheyAreCreatedLeaveNoObjectBehind() {
    String ns = createNamespace("e2e-churn");
    apply(localProvider("e2e-churn", 1));
    for (int i = 0; i < 20; i++) {
      client.resource(TestResources.shellJob(ns, "churn-" + i, "e2e-churn", "true", spec -> {})).create();
      client.resources(GpuJob.class).inNamespace(ns).withName("churn-" + i).delete();
    }
    apply(shellJob(ns, "after-churn", "e2e-churn", "true"));
    awaitPhase(ns, "after-churn", JobPhase.Succeeded);
    client.resources(GpuJob.class).inNamespace(ns).withName("after-churn").delete();

    await("no GpuJob left in " + ns).atMost(WAIT).pollInterval(POLL)
        .until(() -> client.resources(GpuJob.class).inNamespace(ns).list().getItems().stream()
            .map(j -> j.getMetadata().getName()).toList(), List::isEmpty);
  }
}
