package io.gpucompute.operator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.WorkloadKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a replica may act as the leader, and what happens when it may no longer. */
class LeadershipTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<String> lost = new CopyOnWriteArrayList<>();
  private final Leadership leadership = new Leadership(LeaseTiming.DEFAULT, new Clock() {
    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }, lost::add);

  @AfterEach
  void stopWatchdog() {
    leadership.close();
  }

  @ParameterizedTest(name = "leading={0} resigned={1} renewed {2}s ago -> {3}")
  @CsvSource({
      "true,  false, 0,    true",
      "true,  false, 9.9,  true",
      "true,  false, 10,   false",
      "true,  false, 30,   false",
      "false, false, 0,    false",
      "true,  true,  0,    false"})
  void mayActOnlyWhileLeadingAndWithinTheRenewDeadline(boolean leading, boolean resigned, double secondsAgo,
      boolean expected) {
    Instant t = Instant.parse("2030-01-01T00:00:30Z");
    Instant renewedAt = t.minusMillis(Math.round(secondsAgo * 1000));
    assertThat(Leadership.mayAct(leading, resigned, renewedAt, DEADLINE, t)).isEqualTo(expected);
  }

  @Test
  void aReplicaThatNeverRenewedMayNotAct() {
    assertThat(Leadership.mayAct(true, false, null, DEADLINE, now.get())).isFalse();
  }

  @Test
  void theWatchdogReportsTheLossOnceWhenTheRenewDeadlinePassesWithoutARenewal() {
    leadership.read(now.get());
    leadership.callbacks().onStartLeading();
    assertThat(leadership.confirmed()).isTrue();

    now.set(now.get().plusSeconds(9));
    leadership.read(now.get());
    leadership.written();
    now.set(now.get().plusSeconds(9));
    await("renewed 9 s ago: still leading, for several watchdog checks").during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2)).until(() -> lost.isEmpty() && leadership.confirmed());

    now.set(now.get().plusSeconds(1));
    await().atMost(Duration.ofSeconds(2)).until(() -> !lost.isEmpty());
    assertThat(leadership.confirmed()).isFalse();
    await("the loss is reported once").during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
        .until(() -> lost.size() == 1);
    assertThat(lost).singleElement().asString().contains("more than the renew deadline of 10s ago");
  }

  @Test
  void stoppingToLeadIsALossUnlessTheReplicaResigned() {
    leadership.read(now.get());
    leadership.callbacks().onStartLeading();
    leadership.callbacks().onStopLeading();
    assertThat(lost).singleElement().asString().contains("the leader elector stopped leading");

    Leadership resigning = new Leadership(LeaseTiming.DEFAULT, Clock.systemUTC(), lost::add);
    try {
      resigning.read(Instant.now());
      resigning.callbacks().onStartLeading();
      resigning.resign();
      assertThat(resigning.confirmed()).as("a resigned replica does not act").isFalse();
      resigning.callbacks().onStopLeading();
      assertThat(lost).hasSize(1);
    } finally {
      resigning.close();
    }
  }

  @Test
  void aGuardedProviderRefusesCallsUnlessTheLeadershipIsConfirmedButAlwaysCloses() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    GpuProvider provider = new GpuProvider() {
      @Override
      public ProbeResult probe() {
        calls.add("probe");
        return null;
      }

      @Override
      public List<io.gpucompute.provider.Offer> offers() {
        return List.of();
      }

      @Override
      public io.gpucompute.provider.SubmitResult submit(io.gpucompute.provider.WorkloadSpec spec) {
        return null;
      }

      @Override
      public io.gpucompute.provider.Observation observe(WorkloadKey key) {
        return null;
      }

      @Override
      public void cancel(WorkloadKey key) {
        calls.add("cancel");
      }

      @Override
      public void close() {
        calls.add("close");
      }
    };
    GpuProvider guarded = LeaderOnlyProvider.wrap(provider, leadership);
    WorkloadKey key = new WorkloadKey("ns", "job", "uid", 1);

    assertThatThrownBy(() -> guarded.forget(key)).isInstanceOf(LeaderOnlyProvider.NotLeaderException.class)
        .hasMessageContaining("forget");
    assertThatThrownBy(guarded::probe).isInstanceOf(LeaderOnlyProvider.NotLeaderException.class);
    guarded.close();
    assertThat(calls).containsExactly("close");

    leadership.read(now.get());
    leadership.callbacks().onStartLeading();
    guarded.probe();
    guarded.forget(key);
    assertThat(calls).containsExactly("close", "probe", "cancel");
  }
}
