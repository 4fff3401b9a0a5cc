package io.gpucompute.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.gpucompute.secrets.SecretValues;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every condition message, whichever reconciler wrote it, is scrubbed and fits the CRD's limit. */
class ConditionMessagesTest {

  @Test
  void aConditionMessageNeverHoldsASecretValueAndFitsTheCrd() {
    String secret = "condition-secret-" + UUID.randomUUID();
    SecretValues.remember(List.of(secret));

    List<Condition> conditions = Conditions.with(null, "Ready", false, "ProviderError",
        "the provider said " + secret + " " + "x".repeat(40_000), 3L, Instant.parse("2026-01-01T00:00:00Z"));

    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(c.getMessage()).startsWith("the provider said *** x").doesNotContain(secret)
          .hasSize(Conditions.MAX_MESSAGE);
      assertThat(c.getReason()).isEqualTo("ProviderError");
    });
  }

  @Test
  void theSameFactsGiveAnEqualConditionSoNothingIsPatched() {
    String secret = "stable-secret-" + UUID.randomUUID();
    SecretValues.remember(List.of(secret));
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    List<Condition> first = Conditions.with(null, "Ready", true, "ProbeSucceeded", "key " + secret, 1L, now);
    List<Condition> again = Conditions.with(first, "Ready", true, "ProbeSucceeded", "key " + secret, 1L,
        now.plusSeconds(60));

    assertThat(again).isEqualTo(first);
  }
}
