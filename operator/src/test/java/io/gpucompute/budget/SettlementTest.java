package io.gpucompute.budget;

import static io.gpucompute.budget.BudgetFixtures.byUid;
import static io.gpucompute.budget.BudgetFixtures.finished;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.BudgetSettlement;
import io.gpucompute.api.v1alpha1.UserSpend;
import io.gpucompute.cost.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Settling into a budget: each cost is counted once, whatever the order of the writes and wherever a crash cuts them
 * (the ledger of the budget and the records of the jobs together say what was counted).
 */
class SettlementTest {

  private static final String BUDGET = "uid-team";
  private static final int CAPACITY = 256;

  private static Settlement.Result settle(BigDecimal spent, List<BudgetSettlement> ledger,
      Map<String, BudgetedJob> jobs) {
    return Settlement.settle(BUDGET, spent, List.of(), ledger, jobs.values(), jobs, CAPACITY);
  }

  private static BudgetSettlement entry(String uid, String chargedTo) {
    return new BudgetSettlement(uid, "job-" + uid, 1, chargedTo);
  }

  @Test
  void aFinishedJobIsCountedIntoSpentWithALedgerEntryAndARecordToWrite() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "0.25"), finished("j2", "0.5"));

    Settlement.Result result = settle(new BigDecimal("1"), List.of(), jobs);

    assertThat(result.spent()).isEqualByComparingTo("1.75");
    assertThat(result.ledger()).extracting(BudgetSettlement::getJobUid).containsExactly("j1", "j2");
    assertThat(result.users()).singleElement().satisfies(line -> {
      assertThat(line.getUser()).isEqualTo("oidc:alice");
      assertThat(new BigDecimal(line.getSpent())).isEqualByComparingTo("0.75");
    });
    Map<String, BudgetCharge> marks = Settlement.marksToWrite("team", BUDGET, result.ledger(), jobs,
        BudgetFixtures.NOW);
    assertThat(marks).containsOnlyKeys("j1", "j2");
    assertThat(new BigDecimal(marks.get("j1").getCharged())).isEqualByComparingTo("0.25");
  }

  @Test
  void afterACrashBeforeTheJobsRecordTheLedgerEntryKeepsTheCostFromBeingCountedTwice() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "0.25"));

    Settlement.Result again = settle(new BigDecimal("0.25"), List.of(entry("j1", "0.25")), jobs);

    assertThat(again.spent()).isEqualByComparingTo("0.25");
    assertThat(again.ledger()).extracting(BudgetSettlement::getJobUid).containsExactly("j1");
    assertThat(Settlement.marksToWrite("team", BUDGET, again.ledger(), jobs, BudgetFixtures.NOW)).containsOnlyKeys("j1");
  }

  @Test
  void onceTheJobRecordsTheChargeTheLedgerEntryGoesAndNothingMoreIsCounted() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "0.25").charged(BUDGET, "0.25"));

    Settlement.Result result = settle(new BigDecimal("0.25"), List.of(entry("j1", "0.25")), jobs);

    assertThat(result.spent()).isEqualByComparingTo("0.25");
    assertThat(result.ledger()).isEmpty();
  }

  @Test
  void theEntryOfAJobThatIsGoneGoes() {
    Settlement.Result result = settle(new BigDecimal("0.25"), List.of(entry("gone", "0.25")), Map.of());

    assertThat(result.ledger()).isEmpty();
    assertThat(result.spent()).isEqualByComparingTo("0.25");
  }

  @Test
  void aRetryThatSettlesMoreIsCountedByTheDifference() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "0.75").charged(BUDGET, "0.25"));

    Settlement.Result result = settle(new BigDecimal("0.25"), List.of(), jobs);

    assertThat(result.spent()).isEqualByComparingTo("0.75");
    assertThat(result.ledger()).singleElement().satisfies(e -> assertThat(new BigDecimal(e.getChargedTo()))
        .isEqualByComparingTo("0.75"));
  }

  @Test
  void anotherBudgetsRecordDoesNotCount() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "0.25").charged("uid-other", "0.25"));

    assertThat(settle(BigDecimal.ZERO, List.of(), jobs).spent()).isEqualByComparingTo("0.25");
  }

  @Test
  void aJobDeletedWhileItRunsCountsWhatItAccruedAndGetsNoRecord() {
    Map<String, BudgetedJob> jobs = byUid(new BudgetFixtures.Job("j1").active(true).deleting().settled("0.10")
        .accrued("0.40"));

    Settlement.Result result = settle(BigDecimal.ZERO, List.of(), jobs);

    assertThat(result.spent()).isEqualByComparingTo("0.40");
    assertThat(Settlement.marksToWrite("team", BUDGET, result.ledger(), jobs, BudgetFixtures.NOW)).isEmpty();
    assertThat(Settlement.isSettled(BUDGET, jobs.get("j1"), result.ledger())).isTrue();
    assertThat(Settlement.isSettled(BUDGET, jobs.get("j1"), List.of())).isFalse();
  }

  @Test
  void whatDoesNotFitInTheLedgerWaitsForTheNextWrite() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "1"), finished("j2", "2"), finished("j3", "4"));

    Settlement.Result result = Settlement.settle(BUDGET, BigDecimal.ZERO, List.of(), List.of(), jobs.values(), jobs, 2);

    assertThat(result.ledger()).hasSize(2);
    assertThat(result.deferred()).isEqualTo(1);
    assertThat(result.spent()).isEqualByComparingTo("3");
  }

  @Test
  void aRecordReplacesTheSameBudgetsAndDropsThoseOfBudgetsThatAreGone() {
    List<BudgetCharge> before = List.of(new BudgetCharge("team", BUDGET, "1", "p"),
        new BudgetCharge("old", "uid-old", "1", "p"), new BudgetCharge("project", "uid-project", "2", "p"));

    List<BudgetCharge> after = Settlement.withMark(before, new BudgetCharge("team", BUDGET, "3", "p"),
        uid -> !uid.equals("uid-old"));

    assertThat(after).extracting(BudgetCharge::getBudgetUid).containsExactly("uid-project", BUDGET);
    assertThat(after.get(1).getCharged()).isEqualTo("3");
  }

  /**
   * Jobs finish one after another while the three writes of each settle (budget, job record, budget again) are cut
   * by crashes at random points, and some writes lose a race: what was written survives, what was not is made again
   * from what is stored. At the end, spent is exactly the sum of the jobs' costs.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4711, 20251215})
  void crashesAtAnyPointNeitherLoseNorDoubleACost(long seed) {
    Random random = new Random(seed);
    Stored stored = new Stored();
    BigDecimal expected = BigDecimal.ZERO;
    for (int round = 0; round < 200; round++) {
      if (random.nextInt(3) == 0 && stored.jobs.size() < 30) {
        String uid = "job-" + stored.jobs.size();
        BigDecimal cost = new BigDecimal(random.nextInt(100_000) + 1).movePointLeft(6);
        stored.jobs.put(uid, cost);
        expected = expected.add(cost);
      } else if (random.nextInt(4) == 0 && !stored.jobs.isEmpty()) {
        // A retry of some job settles a further attempt.
        String uid = "job-" + random.nextInt(stored.jobs.size());
        BigDecimal more = new BigDecimal(random.nextInt(10_000)).movePointLeft(6);
        stored.jobs.merge(uid, more, BigDecimal::add);
        expected = expected.add(more);
      }
      stored.reconcile(random);
    }
    for (int i = 0; i < 5; i++) {
      stored.reconcileWithoutCrash();
    }

    assertThat(stored.spent).isEqualByComparingTo(expected);
    assertThat(stored.ledger).as("every entry acknowledged").isEmpty();
    assertThat(stored.records.keySet()).isEqualTo(stored.jobs.keySet());
  }

  /** What etcd holds: the jobs' costs and records, the budget's spent and ledger. */
  private static final class Stored {
    final Map<String, BigDecimal> jobs = new HashMap<>();
    final Map<String, BigDecimal> records = new HashMap<>();
    BigDecimal spent = BigDecimal.ZERO;
    List<BudgetSettlement> ledger = new ArrayList<>();

    Map<String, BudgetedJob> read() {
      Map<String, BudgetedJob> read = new HashMap<>();
      jobs.forEach((uid, cost) -> {
        BudgetFixtures.Job job = finished(uid, cost.toPlainString());
        if (records.containsKey(uid)) {
          job.charged(BUDGET, records.get(uid).toPlainString());
        }
        read.put(uid, job.build());
      });
      return read;
    }

    /** One reconcile: the budget's write, then the jobs' records; a crash (or a lost race) may stop it anywhere. */
    void reconcile(Random random) {
      Map<String, BudgetedJob> read = read();
      Settlement.Result result = settle(spent, ledger, read);
      if (random.nextInt(5) == 0) {
        return; // crashed (or lost a race) before the budget's write
      }
      spent = result.spent();
      ledger = new ArrayList<>(result.ledger());
      for (Map.Entry<String, BudgetCharge> mark : Settlement.marksToWrite("team", BUDGET, ledger, read,
          Instant.EPOCH).entrySet()) {
        if (random.nextInt(4) == 0) {
          return; // crashed between two job records
        }
        records.put(mark.getKey(), Money.parse(mark.getValue().getCharged()));
      }
    }

    void reconcileWithoutCrash() {
      reconcile(new Random() {
        @Override
        public int nextInt(int bound) {
          return 1;
        }
      });
    }
  }

  @Test
  void usersLinesAddUpToSpent() {
    Map<String, BudgetedJob> jobs = byUid(finished("j1", "0.25").user("oidc:bob"), finished("j2", "0.5"));

    Settlement.Result result = settle(BigDecimal.ZERO, List.of(), jobs);

    assertThat(result.users().stream().map(UserSpend::getSpent).map(BigDecimal::new)
        .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(result.spent());
  }
}
