package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadUsersTest {

  private static final LocalSettings.RunAs RANGE = new LocalSettings.RunAs(100, 102, 100);

  @TempDir Path temp;

  @ParameterizedTest(name = "taken [{0}] -> {1}")
  @CsvSource(nullValues = "none", textBlock = """
      '',          100
      100,         101
      100 101,     102
      101,         100
      100 101 102, none
      0 1000 99,   100
      """)
  void theLowestUserIdNoProcessAndNoLaunchHasIsFree(String taken, Integer expected) {
    Set<Integer> ids = Arrays.stream(taken.split(" ")).filter(s -> !s.isBlank()).map(Integer::parseInt)
        .collect(Collectors.toSet());

    OptionalInt free = WorkloadUsers.firstFree(RANGE, ids);

    assertThat(free.isPresent() ? free.getAsInt() : null).isEqualTo(expected);
  }

  @Test
  void aUserIsHeldFromAcquireToReleaseEvenBeforeItsProcessRunsAsIt() throws IOException {
    WorkloadUsers users = new WorkloadUsers(RANGE, temp.resolve("workloads"), Set::of);

    WorkloadUser first = users.acquire();
    WorkloadUser second = users.acquire();
    users.release(first);
    WorkloadUser third = users.acquire();

    assertThat(first).isEqualTo(new WorkloadUser(100, 100));
    assertThat(second.uid()).isEqualTo(101);
    assertThat(third.uid()).isEqualTo(100);
  }

  @Test
  void whenEveryUserRunsAWorkloadTheLaunchFailsNamingTheSetting() {
    WorkloadUsers users = new WorkloadUsers(RANGE, temp.resolve("workloads"), () -> Set.of(100, 101, 102));

    assertThatThrownBy(users::acquire).isInstanceOf(IOException.class)
        .hasMessageContaining("at most 3 Local workloads run at once").hasMessageContaining("GPUCOMPUTE_LOCAL_RUN_AS_USER");
  }

  @Test
  void aProcessOwnsItsRealEffectiveSavedAndFilesystemUserIdsUnlessItIsAZombie() {
    String status = "Name:\tsleep\nState:\tS (sleeping)\nUid:\t61000\t61001\t61002\t61003\nGid:\t5\t5\t5\t5\n";

    assertThat(ProcessOwners.parseUidLine(status)).containsExactly(61000, 61001, 61002, 61003);
    assertThat(ProcessOwners.parseUidLine(status.replace("S (sleeping)", "Z (zombie)"))).isEmpty();
    assertThat(ProcessOwners.parseUidLine("Name:\tx\n")).isEmpty();
  }
}
