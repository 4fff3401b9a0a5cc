package io.gpucompute.provider.runpod;

import java.util.Comparator;
import java.util.List;

/**
 * Which started pods' logs one round of bulk observation reads, within its budget. Pure.
 *
 * <p>RunPod shows no exit code, so the end of a pod's command is read from its log, one call per pod. Reading every
 * started pod every round made the calls per round grow with the jobs (and a round of 2,000 reads, 0.75 s each, outlast
 * the poll interval many times). A round reads at most {@code budget} logs: first the pods never read and those whose
 * state changed since their last read (stopped, restarted, repriced: what most likely ended), then the pods read
 * longest ago. With {@code n} unchanged pods, each is read at least once every {@code ceil(n / budget)} rounds.
 */
final class LogReadChoice {

  /**
   * A pod whose container has started.
   *
   * @param podId its id
   * @param state what the pod's listing says now, in a form that changes whenever it does
   * @param lastState the state at its last read, or null when never read
   * @param lastRound the round of its last read, or -1 when never read
   */
  record Candidate(String podId, String state, String lastState, long lastRound) {

    boolean changed() {
      return lastState == null || !lastState.equals(state);
    }
  }

  private static final Comparator<Candidate> ORDER = Comparator.comparing((Candidate c) -> !c.changed())
      .thenComparingLong(Candidate::lastRound).thenComparing(Candidate::podId);

  private LogReadChoice() {}

  /** The ids of the pods to read this round, at most {@code budget} of them, in the order above. */
  static List<String> choose(List<Candidate> candidates, int budget) {
    return candidates.stream().sorted(ORDER).limit(budget).map(Candidate::podId).toList();
  }
}
