package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Status conventions, checked against the real API server's generation and resourceVersion bookkeeping. */
class StatusConventionsIT extends OperatorE2eTestBase {

  /** Six poll intervals of {@link InProcessOperator#FAST}. */
  private static final Duration QUIET = Duration.ofSeconds(3);

  @Test
  void observedGenerationIsCurrentAndAnUnchangedJobIsNotWrittenAgain() {
    String ns = createNamespace("e2e-status");
    apply(localProvider("e2e-status", 1));
    apply(shellJob(ns, "steady", "e2e-status", "echo hi"));

    // Succeeded is saved first and the workload released in a later write (the crash-safe order): wait for both.
    GpuJob done = awaitJob(ns, "steady", "Succeeded with its workload released",
        status -> status.getPhase() == JobPhase.Succeeded && status.getWorkload() != null
            && status.getWorkload().isReleased());
    assertThat(done.getStatus().getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());
    ProviderConfig config = client.resources(ProviderConfig.class).withName("e2e-status").get();
    assertThat(config.getStatus().getObservedGeneration()).isEqualTo(config.getMetadata().getGeneration());

    String resourceVersion = done.getMetadata().getResourceVersion();
    assertUnchangedFor(ns, "steady", resourceVersion, "while the operator keeps running");

    // A new operator reconciles every job once when its informers start: nothing to change, nothing written.
    restartOperator();
    await("the new operator healthy").atMost(WAIT).pollInterval(POLL).until(operator::healthy);
    assertUnchangedFor(ns, "steady", resourceVersion, "after an operator restart reconciled it again");
  }

  private void assertUnchangedFor(String ns, String name, String resourceVersion, String when) {
    await("resourceVersion of GpuJob " + name + " stays " + resourceVersion + " " + when)
        .during(QUIET).atMost(QUIET.plusSeconds(2)).pollInterval(POLL)
        .until(() -> job(ns, name).getMetadata().getResourceVersion(), resourceVersion::equals);
  }
}
