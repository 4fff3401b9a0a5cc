package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogReadChoiceTest {

  private static LogReadChoice.Candidate unchanged(String id, long lastRound) {
    return new LogReadChoice.Candidate(id, "RUNNING", "RUNNING", lastRound);
  }

  @Test
  void withinTheBudgetEveryStartedPodIsRead() {
    List<LogReadChoice.Candidate> pods = List.of(unchanged("b", 3), unchanged("a", 3),
        new LogReadChoice.Candidate("c", "RUNNING", null, -1));

    assertThat(LogReadChoice.choose(pods, 5)).containsExactly("c", "a", "b");
  }

  @Test
  void podsNeverReadOrChangedGoFirstThenThoseReadLongestAgo() {
    List<LogReadChoice.Candidate> pods = List.of(
        unchanged("read-in-round-7", 7),
        unchanged("read-in-round-2", 2),
        new LogReadChoice.Candidate("stopped-since", "EXITED", "RUNNING", 9),
        new LogReadChoice.Candidate("never-read", "RUNNING", null, -1),
        unchanged("read-in-round-5", 5));

    assertThat(LogReadChoice.choose(pods, 4))
        .containsExactly("never-read", "stopped-since", "read-in-round-2", "read-in-round-5");
    assertThat(LogReadChoice.choose(pods, 0)).isEmpty();
  }

  @Test
  void roundAfterRoundEachUnchangedPodIsReadAtLeastOnceEveryCeilingOfPodsOverBudgetRounds() {
    int pods = 23;
    int budget = 5;
    Map<String, Long> lastRead = new HashMap<>();
    Map<String, Long> longestGap = new HashMap<>();
    for (long round = 1; round <= 40; round++) {
      List<LogReadChoice.Candidate> candidates = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        String id = "pod-" + i;
        Long last = lastRead.get(id);
        candidates.add(new LogReadChoice.Candidate(id, "RUNNING", last == null ? null : "RUNNING",
            last == null ? -1 : last));
      }
      List<String> chosen = LogReadChoice.choose(candidates, budget);
      assertThat(chosen).hasSize(budget).doesNotHaveDuplicates();
      for (String id : chosen) {
        long since = round - lastRead.getOrDefault(id, 0L);
        longestGap.merge(id, since, Math::max);
        lastRead.put(id, round);
      }
    }
    assertThat(lastRead).hasSize(pods);
    assertThat(longestGap.values()).allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo((pods + budget - 1) / budget));
  }
}
