package io.gpucompute.providerconfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.WorkloadKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OrphanRuleTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(10);

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("its job exists", "live-job", NOW.minus(Duration.ofHours(1)), false),
        Arguments.of("no job, older than the grace period", "gone-job", NOW.minus(Duration.ofMinutes(11)), true),
        Arguments.of("no job, exactly the grace period old", "gone-job", NOW.minus(GRACE), true),
        Arguments.of("no job, younger than the grace period (its job may not be cached yet)", "gone-job",
            NOW.minus(Duration.ofMinutes(9)), false),
        Arguments.of("no job, no creation time, seen jobless for the grace period", "gone-job", null, true),
        Arguments.of("no job, no creation time, seen jobless only just now", "fresh-job", null, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void aWorkloadIsAnOrphanWhenItsJobIsGoneAndTheGracePeriodHasPassed(String name, String jobUid, Instant createdAt,
      boolean orphan) {
    ListedWorkload workload = new ListedWorkload(new WorkloadKey("ns", "job", jobUid, 1), "id-1", createdAt);

    Map<String, Instant> firstSeen = Map.of("gpujob-gone-job-1", NOW.minus(GRACE), "gpujob-fresh-job-1", NOW);

    List<ListedWorkload> orphans = OrphanRule.orphans(List.of(workload), Set.of("live-job")::contains,
        firstSeen::get, NOW, GRACE);

    assertThat(orphans.contains(workload)).isEqualTo(orphan);
  }
}
