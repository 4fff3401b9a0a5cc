package io.gpucompute.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.secrets.SecretValues;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every Event message passes the Scrubber and is bounded, whoever built the message. */
class EventRecorderTest {

  private final MockCluster cluster = MockCluster.start();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void anEventNeverCarriesASecretValueTheOperatorReadAndIsBounded() {
    String secret = "event-secret-" + UUID.randomUUID();
    SecretValues.remember(List.of(secret));
    var object = new ConfigMapBuilder().withNewMetadata().withName("subject").withNamespace("default")
        .withUid("uid-1").endMetadata().build();
    EventRecorder recorder = new EventRecorder(cluster.client(), Clock.systemUTC(), "test");

    recorder.warning(object, "ProviderError", "the provider echoed " + secret + " " + "z".repeat(5000));

    List<Event> events = cluster.client().v1().events().inNamespace("default").list().getItems();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getMessage()).startsWith("the provider echoed *** zzz").doesNotContain(secret);
      assertThat(e.getMessage().length()).isLessThanOrEqualTo(1024);
    });
  }
}
