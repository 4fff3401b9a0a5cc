package io.gpucompute.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.ProviderException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A provider's error text is untrusted: every ProviderException's message is scrubbed and bounded when built. */
class ProviderExceptionMessageTest {

  @Test
  void everyKindOfProviderExceptionScrubsAndBoundsItsMessage() {
    String secret = "provider-secret-" + UUID.randomUUID();
    SecretValues.remember(List.of(secret));
    String said = "rejected variables {apiKey: \"" + secret + "\"} " + "w".repeat(3000);

    List<ProviderException> all = List.of(new ProviderException.InvalidRequest("Rejected", said),
        new ProviderException.NoCapacity(said), new ProviderException.InvalidCredentials(said, null),
        new ProviderException.Transient("Flaky", said, null));

    assertThat(all).allSatisfy(e -> assertThat(e.getMessage()).startsWith("rejected variables {apiKey: \"***\"} w")
        .doesNotContain(secret).hasSize(Scrubber.MAX_UNTRUSTED));
  }
}
