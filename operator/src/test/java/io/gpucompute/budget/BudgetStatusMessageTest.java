package io.gpucompute.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.BudgetPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetStatusMessageTest {

  private static final Instant NOW = Instant.parse("2025-12-03T10:00:00Z");
  private static final BudgetWindow DECEMBER = BudgetWindow.containing(BudgetPeriod.Monthly, NOW, NOW);

  private static BudgetUse use(Map<String, Integer> gpusInUse, Map<String, Integer> gpuLimits) {
    return new BudgetUse("team-a", new BigDecimal("500"), DECEMBER, new BigDecimal("498.2"), new BigDecimal("1.2"),
        new BigDecimal("0.2"), gpusInUse, gpuLimits, false);
  }

  @Test
  void theMessageSumsUpThePeriodTheRunningJobsAndTheGpus() {
    assertThat(BudgetStatuses.message(use(Map.of("A100", 2), Map.of("A100", 8))))
        .isEqualTo("498.20 of 500.00 USD spent " + DECEMBER.label() + "; running jobs: 1.20 so far, up to 0.20 more; "
            + "A100: 2 of 8");
  }

  @Test
  void aMessageOfManyLongGpuTypesIsCutToFitTheStatus() {
    Map<String, Integer> limits = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      limits.put(("TYPE-" + i + "-").repeat(20), 1);
    }

    String message = BudgetStatuses.message(use(Map.of(), limits));

    assertThat(message).hasSize(BudgetStatuses.MESSAGE_LENGTH).endsWith("...").startsWith("498.20 of 500.00 USD");
  }
}
