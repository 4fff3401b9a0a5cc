package io.gpucompute.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.secrets.Scrubber;
import io.gpucompute.status.Timestamps;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events (core/v1) about our objects. Best effort: a failed Event is logged, never thrown,
 * since an Event is a courtesy and must not fail a reconcile. Every message passes the {@link Scrubber} (secret
 * values become {@code ***}) and is cut to {@value #MAX_MESSAGE} characters.
 *
 * <p>Repeats are aggregated as kubelet's event correlator does: the same type and reason about the same object
 * within {@link #AGGREGATION_WINDOW} of its last occurrence updates the Event already recorded (its count, last
 * timestamp and message) instead of creating another one, so a failure retried every few seconds is one Event with
 * a count.
 *
 * <p>An operator records them {@link #asynchronous off the reconcile threads}: an Event is one more API round trip,
 * and a reconcile thread that waits for it is one that does not reconcile. The Events of one object are recorded in
 * order, by one writer of a few.
 */
public class EventRecorder implements AutoCloseable {

  /** The component name Events are reported by. */
  public static final String COMPONENT = "gpucompute-operator";
  /** How long a recorded Event takes the repeats of its type and reason about its object. */
  static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;
  private static final int REMEMBERED = 4096;
  /** Events that may wait for each writer; beyond, an Event is dropped with a log line (they are best effort). */
  private static final int QUEUED_PER_WRITER = 10_000;

  /** An Event recorded: where it lives, how often it happened, and when first. */
  private record Recorded(String namespace, String name, int count, String firstTimestamp, Instant at) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  /** One single-thread writer per stripe of objects, or none: recorded on the caller's thread. */
  private final List<ThreadPoolExecutor> writers;
  private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** A recorder that records each Event on the caller's thread before it returns. */
  public EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this(client, clock, instance, 0);
  }

  private EventRecorder(KubernetesClient client, Clock clock, String instance, int writers) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
    List<ThreadPoolExecutor> pools = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      int stripe = i;
      pools.add(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(QUEUED_PER_WRITER), runnable -> {
            Thread thread = new Thread(runnable, "event-writer-" + stripe);
            thread.setDaemon(true);
            return thread;
          }, (dropped, pool) -> LOG.warn("dropped an Event: {} Events wait to be recorded already",
              QUEUED_PER_WRITER)));
    }
    this.writers = List.copyOf(pools);
  }

  /**
   * A recorder that returns at once and records each Event on one of {@code writers} threads of its own; the Events
   * of one object always on the same one, in the order they were asked for. {@link #close} stops them.
   */
  public static EventRecorder asynchronous(KubernetesClient client, Clock clock, String instance, int writers) {
    if (writers < 1) {
      throw new IllegalArgumentException("writers must be at least 1, was " + writers);
    }
    return new EventRecorder(client, clock, instance, writers);
  }

  /** Records what is queued (for up to a few seconds), then stops the writers. */
  @Override
  public void close() {
    writers.forEach(ThreadPoolExecutor::shutdown);
    for (ThreadPoolExecutor writer : writers) {
      try {
        writer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    Instant at = clock.instant();
    if (writers.isEmpty()) {
      write(object, type, reason, message, at);
      return;
    }
    String uid = String.valueOf(object.getMetadata().getUid());
    ThreadPoolExecutor writer = writers.get(Math.floorMod(uid.hashCode(), writers.size()));
    try {
      writer.execute(() -> {
        try {
          write(object, type, reason, message, at);
        } catch (RuntimeException e) {
          LOG.warn("could not record Event {} about {}: {}", reason, object.getMetadata().getName(), e.toString());
        }
      });
    } catch (RejectedExecutionException closed) {
      LOG.debug("not recording Event {} about {}: the recorder is closed", reason, object.getMetadata().getName());
    }
  }

  private void write(HasMetadata object, String type, String reason, String message, Instant at) {
    String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
    String now = Timestamps.format(at);
    String text = message == null ? "" : Scrubber.untrusted(message, MAX_MESSAGE);
    String key = object.getMetadata().getUid() + "/" + type + "/" + reason;
    Recorded previous;
    synchronized (recent) {
      previous = recent.get(key);
    }
    try {
      Recorded recorded = previous != null && at.isBefore(previous.at().plus(AGGREGATION_WINDOW))
          ? repeat(previous, text, now, at).orElseGet(() -> create(object, namespace, type, reason, text, now, at))
          : create(object, namespace, type, reason, text, now, at);
      synchronized (recent) {
        recent.put(key, recorded);
      }
    } catch (KubernetesClientException e) {
      synchronized (recent) {
        recent.remove(key);
      }
      LOG.warn("{} {}/{}: could not record Event {}: {}", object.getKind(), namespace, object.getMetadata().getName(),
          reason, e.getMessage());
    }
  }

  private Recorded create(HasMetadata object, String namespace, String type, String reason, String text, String now,
      Instant at) {
    Event event = new EventBuilder()
        .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".").withNamespace(namespace).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(object.getApiVersion()).withKind(object.getKind())
            .withName(object.getMetadata().getName()).withNamespace(object.getMetadata().getNamespace())
            .withUid(object.getMetadata().getUid()).withResourceVersion(object.getMetadata().getResourceVersion())
            .build())
        .withType(type).withReason(reason).withMessage(text)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT).withReportingInstance(instance)
        .build();
    Event created = client.v1().events().inNamespace(namespace).resource(event).create();
    return new Recorded(namespace, created.getMetadata().getName(), 1, now, at);
  }

  /** Counts a repeat on the Event already recorded; empty when that Event was deleted meanwhile. */
  private Optional<Recorded> repeat(Recorded previous, String text, String now, Instant at) {
    int count = previous.count() + 1;
    try {
      Map<String, Object> change = Map.of("count", count, "lastTimestamp", now, "message", text);
      // A merge patch without a read first: the operator may patch Events, not get them.
      client.v1().events().inNamespace(previous.namespace()).withName(previous.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(change));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(new Recorded(previous.namespace(), previous.name(), count, previous.firstTimestamp(), at));
  }
}
