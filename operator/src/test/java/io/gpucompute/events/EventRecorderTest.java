package io.gpucompute.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gpucompute.secrets.SecretValues;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Events are aggregated as kubelet's correlator does, and every message passes the Scrubber and is bounded. */
@EnableKubernetesMockClient(crud = true, https = false)
class EventRecorderTest {

  KubernetesClient client;

  private ConfigMap object(String name) {
    return client.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("team-a")
        .withUid("uid-" + name).endMetadata().build()).create();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("team-a").list().getItems();
  }

  @Test
  void aRepeatedFailureIsOneEventWithACountAndTheLatestMessage() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    EventRecorder recorder = new EventRecorder(client, clock, "test");
    ConfigMap job = object("job");

    recorder.warning(job, "CleanupBlocked", "provider down (1)");
    clock.now = clock.now.plusSeconds(30);
    recorder.warning(job, "CleanupBlocked", "provider down (2)");
    clock.now = clock.now.plusSeconds(30);
    recorder.warning(job, "CleanupBlocked", "provider down (3)");

    assertThat(events()).singleElement().satisfies(event -> {
      assertThat(event.getCount()).isEqualTo(3);
      assertThat(event.getMessage()).isEqualTo("provider down (3)");
      assertThat(event.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(event.getLastTimestamp()).isEqualTo("2026-01-01T00:01:00Z");
    });
  }

  @Test
  void anotherReasonAnotherObjectOrAQuietSpellGiveNewEvents() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    EventRecorder recorder = new EventRecorder(client, clock, "test");
    ConfigMap first = object("first");
    ConfigMap second = object("second");

    recorder.warning(first, "CleanupBlocked", "down");
    recorder.warning(first, "ProviderUnavailable", "down");
    recorder.warning(second, "CleanupBlocked", "down");
    clock.now = clock.now.plus(EventRecorder.AGGREGATION_WINDOW).plusSeconds(1);
    recorder.warning(first, "CleanupBlocked", "down again");

    assertThat(events()).hasSize(4).allSatisfy(event -> assertThat(event.getCount()).isEqualTo(1));
  }

  @Test
  void anEventNeverCarriesASecretValueTheOperatorReadAndIsBounded() {
    String secret = "event-secret-" + UUID.randomUUID();
    SecretValues.remember(List.of(secret));
    EventRecorder recorder = new EventRecorder(client, Clock.systemUTC(), "test");

    recorder.warning(object("subject"), "ProviderError", "the provider echoed " + secret + " " + "z".repeat(5000));

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getMessage()).startsWith("the provider echoed *** zzz").doesNotContain(secret);
      assertThat(e.getMessage().length()).isLessThanOrEqualTo(1024);
    });
  }

  @Test
  void anAsynchronousRecorderRecordsEachObjectsEventsInOrderOffTheCallersThread() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ConfigMap first = object("first");
    ConfigMap second = object("second");

    try (EventRecorder recorder = EventRecorder.asynchronous(client, clock, "test", 2)) {
      for (int i = 1; i <= 3; i++) {
        recorder.warning(first, "CleanupBlocked", "provider down (" + i + ")");
        recorder.normal(second, "Completed", "done (" + i + ")");
      }
    } // close() waits for what was queued

    assertThat(events()).hasSize(2).allSatisfy(event -> assertThat(event.getCount()).isEqualTo(3));
    assertThat(events()).extracting(Event::getMessage).containsExactlyInAnyOrder("provider down (3)", "done (3)");
  }

  /** A clock a test moves. */
  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
