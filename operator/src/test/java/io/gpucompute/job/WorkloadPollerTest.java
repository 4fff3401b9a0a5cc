package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.QuietProvider;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The poller wakes a job only when its workload changed, and asks each provider once per round. */
class WorkloadPollerTest {

  /**
   * A provider answering one observeAll per round from a table the test changes; in bulk unless told otherwise (its
   * answers then stand for what observe says).
   */
  private static final class Table extends QuietProvider {
    final Map<WorkloadKey, Observation> now = new ConcurrentHashMap<>();
    boolean bulk = true;
    /** In bulk, with the logs: its answers are what observe says. */
    boolean inFull;
    boolean down;
    int rounds;

    @Override
    public boolean observesInBulk() {
      return bulk;
    }

    @Override
    public boolean observesAllInFull() {
      return inFull || !bulk;
    }

    @Override
    public Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
      rounds++;
      if (down) {
        throw new ProviderException.Transient("FakeUnavailable", "the provider is down", null);
      }
      Map<WorkloadKey, Observation> answer = new java.util.HashMap<>();
      workloads.forEach(w -> answer.put(w.key(), now.getOrDefault(w.key(), Observation.notFound())));
      return answer;
    }

    @Override
    public Observation observe(WorkloadKey key) {
      throw new AssertionError("observed one by one");
    }
  }

  private static Observation running(String log) {
    return new Observation(WorkloadState.RUNNING, "id", null, "running", log, null, null);
  }

  private final Table provider = new Table();
  private final List<GpuJob> jobs = new ArrayList<>();
  private final List<String> woken = new ArrayList<>();
  private final WorkloadPoller poller = new WorkloadPoller(Duration.ofSeconds(10), () -> jobs,
      job -> Optional.of(new WorkloadPoller.Held(job, WorkloadSpecs.key(job, 1), provider)),
      job -> woken.add(job.getMetadata().getName()));

  private List<WorkloadPoller.Held> held() {
    return jobs.stream().map(j -> new WorkloadPoller.Held(j, WorkloadSpecs.key(j, 1), provider)).toList();
  }

  private GpuJob job(String name) {
    GpuJob job = TestJobs.running(s -> {}, 1, TestJobs.T0);
    job.getMetadata().setName(name);
    job.getMetadata().setUid("uid-" + name);
    jobs.add(job);
    return job;
  }

  @Test
  void aJobIsWokenWhenItsWorkloadIsFirstSeenAndWhenItChangesOnly() {
    GpuJob a = job("a");
    GpuJob b = job("b");
    provider.now.put(WorkloadSpecs.key(a, 1), running("line 1"));
    provider.now.put(WorkloadSpecs.key(b, 1), running(null));

    poller.poll(provider, held());
    assertThat(woken).containsExactlyInAnyOrder("a", "b");
    woken.clear();

    poller.poll(provider, held());
    poller.poll(provider, held());
    assertThat(woken).as("nothing changed").isEmpty();

    provider.now.put(WorkloadSpecs.key(a, 1), running("line 1\nline 2"));
    provider.now.put(WorkloadSpecs.key(b, 1), new Observation(WorkloadState.SUCCEEDED, "id", 0, "done", null, null,
        null));
    poller.poll(provider, held());
    assertThat(woken).containsExactlyInAnyOrder("a", "b");
    assertThat(provider.rounds).as("one call per round, whatever the number of workloads").isEqualTo(4);
  }

  @Test
  void anOutageWakesEachJobOnceSoItsReconcileShowsTheReasonAndTheEndOfTheOutageWakesThemAgain() {
    GpuJob a = job("a");
    provider.now.put(WorkloadSpecs.key(a, 1), running(null));
    poller.poll(provider, held());
    woken.clear();

    provider.down = true;
    poller.poll(provider, held());
    assertThat(woken).as("the outage begins").containsExactly("a");
    assertThat(poller.take(WorkloadSpecs.key(a, 1))).as("nothing stale handed over").isEmpty();
    poller.poll(provider, held());
    poller.poll(provider, held());
    assertThat(woken).as("once per outage, not per round").containsExactly("a");

    provider.down = false;
    poller.poll(provider, held());
    assertThat(woken).as("the outage ends").containsExactly("a", "a");
  }

  @Test
  void aWorkloadTheProviderSaysChangedIsLookedAtAgainAtTheNextRound() {
    GpuJob a = job("a");
    provider.now.put(WorkloadSpecs.key(a, 1), running(null));
    poller.poll(provider, held());
    woken.clear();

    poller.changed(WorkloadSpecs.key(a, 1));
    poller.poll(provider, held());

    assertThat(woken).containsExactly("a");
  }

  @Test
  void theObservationThatWokeAJobIsHandedToItsReconcileOnceUnlessTheProviderToldOfAChangeOrItEnded() {
    provider.bulk = false;
    GpuJob a = job("a");
    GpuJob b = job("b");
    provider.now.put(WorkloadSpecs.key(a, 1), running("line 1"));
    provider.now.put(WorkloadSpecs.key(b, 1), new Observation(WorkloadState.SUCCEEDED, "id", 0, "done", null, null,
        null));

    poller.poll(provider, held());

    assertThat(poller.take(WorkloadSpecs.key(a, 1))).contains(running("line 1"));
    assertThat(poller.take(WorkloadSpecs.key(a, 1))).as("once").isEmpty();
    assertThat(poller.take(WorkloadSpecs.key(b, 1))).as("a finished workload is observed afresh").isEmpty();

    provider.now.put(WorkloadSpecs.key(a, 1), running("line 2"));
    poller.poll(provider, held());
    poller.changed(WorkloadSpecs.key(a, 1));
    assertThat(poller.take(WorkloadSpecs.key(a, 1))).as("the provider told of a change since").isEmpty();
  }

  @Test
  void anObservationNotTakenBeforeTheWorkloadChangedAgainIsNotHandedOver() {
    provider.bulk = false;
    GpuJob a = job("a");
    provider.now.put(WorkloadSpecs.key(a, 1), running("line 1"));
    poller.poll(provider, held());

    provider.now.put(WorkloadSpecs.key(a, 1), new Observation(WorkloadState.SUCCEEDED, "id", 0, "done", null, null,
        null));
    poller.poll(provider, held());

    assertThat(poller.take(WorkloadSpecs.key(a, 1))).as("the reconcile observes the end on its own").isEmpty();
    assertThat(woken).containsExactly("a", "a");
  }

  @Test
  void anObservationInBulkIsNeverHandedOverForItLeavesTheLogsOut() {
    GpuJob a = job("a");
    provider.now.put(WorkloadSpecs.key(a, 1), running(null));

    poller.poll(provider, held());

    assertThat(woken).containsExactly("a");
    assertThat(poller.take(WorkloadSpecs.key(a, 1))).isEmpty();
  }

  @Test
  void anObservationInBulkThatIsObservesOwnIsHandedOver() {
    provider.inFull = true;
    GpuJob a = job("a");
    provider.now.put(WorkloadSpecs.key(a, 1), running("line 1"));

    poller.poll(provider, held());

    assertThat(woken).containsExactly("a");
    assertThat(poller.take(WorkloadSpecs.key(a, 1))).contains(running("line 1"));
  }

  @Test
  void digestsTellObservationsApart() {
    assertThat(WorkloadPoller.digest(running("x"))).isEqualTo(WorkloadPoller.digest(running("x")))
        .isNotEqualTo(WorkloadPoller.digest(running("y"))).isNotEqualTo(WorkloadPoller.digest(running(null)));
  }
}
