package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A job that runs while the operator restarts is picked up by the new operator, not run again. */
class OperatorRestartIT extends OperatorE2eTestBase {

  @Test
  void aJobRunningAcrossAnOperatorRestartFinishesExactlyOnce() throws Exception {
    String ns = createNamespace("e2e-restart");
    apply(localProvider("e2e-restart", 1));
    Path starts = workDir.resolve("starts");
    Path pidFile = workDir.resolve("pid");
    apply(shellJob(ns, "survivor", "e2e-restart", "echo start >> " + starts + "; echo $$ > " + pidFile + "; sleep 6"));
    awaitPhase(ns, "survivor", JobPhase.Running);
    long pid = awaitPid(pidFile);

    restartOperator();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .as("the workload outlives the operator that started it").contains(true);
    GpuJob done = awaitPhase(ns, "survivor", JobPhase.Succeeded);
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    assertThat(done.getStatus().getFailures()).isNull();
    assertThat(done.getStatus().getExitCode()).isZero();
    assertThat(Files.readAllLines(starts)).as("lines written by each start of the job").containsExactly("start");
  }
}
