package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log reads of a round of RunPod pods' bulk observation: at most {@code logReadsPerRound} a round, chosen by
 * {@link LogReadChoice}, {@code logReadThreads} at once. A started pod that is not read in a round is answered with what
 * its last read made of it, while its listing says what it said then; one never read is left out until its turn.
 */
final class PodLogRounds implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodLogRounds.class);

  /** A pod whose container has started, with its workload's key. */
  record Started(WorkloadKey key, JsonNode pod) {

    String podId() {
      return pod.path("id").asText();
    }
  }

  /** What the last read of a pod made of it, the pod's state then, and the round. */
  private record Seen(String state, Observation observation, long round) {}

  private final PodLogs logs;
  private final int budget;
  private final ThreadPoolExecutor readers;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final AtomicLong rounds = new AtomicLong();

  PodLogRounds(PodLogs logs, RunPodSettings settings, String configName) {
    this.logs = logs;
    this.budget = settings.logReadsPerRound();
    AtomicInteger threads = new AtomicInteger();
    this.readers = new ThreadPoolExecutor(settings.logReadThreads(), settings.logReadThreads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "runpod-logs-" + configName + "-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    readers.allowCoreThreadTimeOut(true);
  }

  /**
   * What each of {@code started} says this round, by workload. A pod is left out when it was not read and its last
   * read no longer applies, or its read failed (it is read again in a later round).
   */
  Map<WorkloadKey, Observation> observe(List<Started> started) {
    long round = rounds.incrementAndGet();
    List<LogReadChoice.Candidate> candidates = started.stream().map(this::candidate).toList();
    seen.keySet().retainAll(started.stream().map(Started::podId).collect(Collectors.toSet()));
    Map<String, Future<PodLogs.Read>> reads = new HashMap<>();
    for (String id : LogReadChoice.choose(candidates, budget)) {
      reads.put(id, readers.submit(() -> logs.read(id)));
    }
    Map<WorkloadKey, Observation> observed = new LinkedHashMap<>();
    for (int i = 0; i < started.size(); i++) {
      Started pod = started.get(i);
      LogReadChoice.Candidate candidate = candidates.get(i);
      Future<PodLogs.Read> read = reads.get(pod.podId());
      if (read != null) {
        read(read, pod).ifPresent(o -> {
          observed.put(pod.key(), o);
          seen.put(pod.podId(), new Seen(candidate.state(), o, round));
        });
      } else if (!candidate.changed()) {
        observed.put(pod.key(), seen.get(pod.podId()).observation());
      }
    }
    return observed;
  }

  /** {@code pod} as a candidate for a read: its state now, and that of its last read. */
  private LogReadChoice.Candidate candidate(Started pod) {
    Seen last = seen.get(pod.podId());
    return new LogReadChoice.Candidate(pod.podId(), state(pod.pod()), last == null ? null : last.state(),
        last == null ? -1 : last.round());
  }

  private static Optional<Observation> read(Future<PodLogs.Read> read, Started pod) {
    try {
      return Optional.of(PodVerdict.of(pod.pod(), read.get(), pod.key().workloadName()));
    } catch (ExecutionException e) {
      String why = e.getCause() instanceof ProviderException p ? p.getMessage() : String.valueOf(e.getCause());
      log.debug("reading the log of RunPod pod {} failed: {}; read again in a later round", pod.podId(), why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /** What the listing of {@code pod} says that its verdict reads besides the log: it changes whenever that does. */
  static String state(JsonNode pod) {
    return pod.path("desiredStatus").asText("") + "," + pod.path("runtime").isObject() + ","
        + pod.path("podType").asText("") + "," + pod.path("costPerHr").asText("") + ","
        + pod.path("gpuCount").asText("") + "," + pod.path("machine").path("gpuDisplayName").asText("");
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
