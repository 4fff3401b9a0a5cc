package io.gpucompute.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.GpuDagStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusWritesTest {

  private static final Instant NOW = Instant.parse("2025-01-10T09:00:00Z");

  /** The statuses of a running DAG of two independent tasks: both running, then one succeeded, then both. */
  private static GpuDagStatus[] statuses() {
    DagSim dag = new DagSim().task("a").task("b");
    GpuDagStatus running = dag.step().status();
    dag.succeed("a");
    GpuDagStatus progressed = dag.step().status();
    dag.succeed("b");
    GpuDagStatus done = dag.step().status();
    return new GpuDagStatus[] {running, progressed, done};
  }

  @Test
  void progressWithinAPhaseIsWrittenAtMostOncePerInterval() {
    GpuDagStatus[] s = statuses();

    assertThat(StatusWrites.delay(s[0], s[1], NOW.minusMillis(300), NOW)).isEqualTo(Duration.ofMillis(700));
    assertThat(StatusWrites.delay(s[0], s[1], NOW.minusSeconds(2), NOW)).isZero();
    assertThat(StatusWrites.delay(s[0], s[1], null, NOW)).as("not written by this process yet").isZero();
  }

  @Test
  void aTransitionIsWrittenAtOnceAndAnUnchangedStatusNever() {
    GpuDagStatus[] s = statuses();

    assertThat(StatusWrites.delay(s[1], s[2], NOW.minusMillis(10), NOW)).as("Running -> Succeeded").isZero();
    assertThat(StatusWrites.delay(null, s[0], NOW, NOW)).as("the first status").isZero();
    assertThat(StatusWrites.delay(s[1], s[1], NOW.minusSeconds(5), NOW)).isNull();
  }
}
