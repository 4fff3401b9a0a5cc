package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.operator.GpuComputeOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the operator with leader election on one Lease, as the Helm chart runs them: only the Lease holder
 * reconciles, so every job runs once; when the leader stops, the other replica takes the Lease and runs what comes
 * next.
 */
class LeaderElectionIT extends OperatorE2eTestBase {

  private static final Duration FAILOVER = Duration.ofSeconds(90);

  private InProcessOperator standby;

  @AfterEach
  void stopStandby() {
    if (standby != null) {
      standby.close();
      standby = null;
    }
  }

  @Test
  void onlyTheLeaderRunsJobsAndTheOtherReplicaTakesOverWhenItStops() throws Exception {
    operator.close(); // the base class's operator runs without leader election
    operator = null;
    String leaseNamespace = createNamespace("e2e-lease");
    operator = InProcessOperator.startWith(cluster.newClient(), stateDir, Optional.of(leaseNamespace), "replica-a");
    awaitLeaseHolder(leaseNamespace, "replica-a");
    standby = InProcessOperator.startWith(cluster.newClient(), stateDir, Optional.of(leaseNamespace), "replica-b");

    String ns = createNamespace("e2e-leader-jobs");
    apply(localProvider("e2e-leader", 4));
    Path starts = workDir.resolve("starts");
    List<String> names = List.of("once-1", "once-2", "once-3");
    for (String name : names) {
      apply(shellJob(ns, name, "e2e-leader", "echo " + name + " >> " + starts));
    }
    for (String name : names) {
      awaitPhase(ns, name, JobPhase.Succeeded);
    }
    assertThat(Files.readAllLines(starts)).as("each job started once, by one replica")
        .containsExactlyInAnyOrderElementsOf(names);
    assertThat(leaseHolder(leaseNamespace)).isEqualTo("replica-a");

    operator.close();
    operator = standby;
    standby = null;
    awaitLeaseHolder(leaseNamespace, "replica-b");
    apply(shellJob(ns, "after-failover", "e2e-leader", "echo after-failover >> " + starts));

    assertThat(awaitPhase(ns, "after-failover", JobPhase.Succeeded).getStatus().getAttempts()).isEqualTo(1);
    assertThat(Files.readAllLines(starts)).filteredOn("after-failover"::equals).hasSize(1);
  }

  private String leaseHolder(String namespace) {
    Lease lease = client.resources(Lease.class).inNamespace(namespace).withName(GpuComputeOperator.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private void awaitLeaseHolder(String namespace, String identity) {
    await("replica " + identity + " holds the Lease").atMost(FAILOVER).pollInterval(POLL)
        .until(() -> identity.equals(leaseHolder(namespace)));
  }
}
