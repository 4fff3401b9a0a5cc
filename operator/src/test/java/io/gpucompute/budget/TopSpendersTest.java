package io.gpucompute.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.UserSpend;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spend per person: at most 20 lines, largest first, the rest summed; the lines always add up to spent. */
class TopSpendersTest {

  private static List<UserSpend> add(List<UserSpend> lines, String user, String amount) {
    return TopSpenders.add(lines, user, "Local/local", new BigDecimal(amount));
  }

  private static BigDecimal sum(List<UserSpend> lines) {
    return lines.stream().map(l -> new BigDecimal(l.getSpent())).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void aPersonsSpendAddsUpOnTheirLineAndLinesGoLargestFirst() {
    List<UserSpend> lines = add(add(add(List.of(), "oidc:alice", "1.5"), "oidc:bob", "2"), "oidc:alice", "1");

    assertThat(lines).extracting(UserSpend::getUser).containsExactly("oidc:alice", "oidc:bob");
    assertThat(new BigDecimal(lines.get(0).getSpent())).isEqualByComparingTo("2.5");
  }

  @Test
  void aPersonOnAnotherProviderHasAnotherLine() {
    List<UserSpend> lines = TopSpenders.add(add(List.of(), "oidc:alice", "1"), "oidc:alice", "RunPod/runpod",
        new BigDecimal("3"));

    assertThat(lines).extracting(UserSpend::getProvider).containsExactly("RunPod/runpod", "Local/local");
  }

  @Test
  void pastTwentyLinesTheSmallestFoldsIntoOthersAndTheSumStaysExact() {
    List<UserSpend> lines = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 1; i <= 20; i++) {
      lines = add(lines, "user-" + i, i + ".00");
      total = total.add(new BigDecimal(i));
    }
    assertThat(lines).hasSize(20).noneMatch(l -> l.getUser().equals(TopSpenders.OTHERS));

    // Less than the smallest line (1.00): straight into others.
    lines = add(lines, "small", "0.50");
    // More than the smallest line: user-1 (1.00) folds into others, big gets its own line.
    lines = add(lines, "big", "30.00");
    total = total.add(new BigDecimal("30.50"));

    assertThat(lines).hasSize(21);
    assertThat(lines.get(0).getUser()).isEqualTo("big");
    assertThat(lines.get(20).getUser()).isEqualTo(TopSpenders.OTHERS);
    assertThat(new BigDecimal(lines.get(20).getSpent())).isEqualByComparingTo("1.50");
    assertThat(lines).extracting(UserSpend::getUser).doesNotContain("user-1", "small");
    assertThat(sum(lines)).isEqualByComparingTo(total);
  }
}
