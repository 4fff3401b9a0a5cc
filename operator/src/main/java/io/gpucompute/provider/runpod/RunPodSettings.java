package io.gpucompute.provider.runpod;

import java.time.Duration;
import java.util.Objects;

/**
 * How the RunPod adapter talks to RunPod: settings of the operator process, not of a ProviderConfig.
 *
 * @param callTimeout the longest one API call may take, connect to last byte
 * @param logIdle how long the pod-log stream may stay silent before the adapter takes what it has; the log API
 *     streams the backlog first and then follows the pod, so silence means the backlog is read
 * @param logDeadline the longest one read of a pod's log may take
 * @param logLines how many of the newest log lines to ask for; the adapter's exit marker is among the last ones
 * @param markerDir the directory inside the pod where the run-once guard keeps its markers, or null for the
 *     default: under the pod's volume when it has one, else under /tmp on the container disk
 * @param logReadsPerRound the most pod logs one round of bulk observation reads ({@link LogReadChoice}): with more
 *     started pods, each is read in turn, and a pod whose state changed goes first
 * @param logReadThreads how many of a round's log reads run at once (each waits {@code logIdle} for the stream)
 */
public record RunPodSettings(Duration callTimeout, Duration logIdle, Duration logDeadline, int logLines,
    String markerDir, int logReadsPerRound, int logReadThreads) {

  /** The default {@link #logReadsPerRound}: with {@link #DEFAULT_LOG_READ_THREADS}, a round of reads takes ~10 s. */
  public static final int DEFAULT_LOG_READS_PER_ROUND = 200;
  /** The default {@link #logReadThreads}. */
  public static final int DEFAULT_LOG_READ_THREADS = 16;

  /** Defaults for production. */
  public static final RunPodSettings DEFAULT =
      new RunPodSettings(Duration.ofSeconds(30), Duration.ofMillis(750), Duration.ofSeconds(5), 200, null);

  public RunPodSettings {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(logIdle, "logIdle");
    Objects.requireNonNull(logDeadline, "logDeadline");
    if (logLines < 1 || logLines > 5000) {
      throw new IllegalArgumentException("logLines must be 1..5000 (the log API's limit), was " + logLines);
    }
    if (logReadsPerRound < 1 || logReadThreads < 1) {
      throw new IllegalArgumentException("logReadsPerRound and logReadThreads must be at least 1, were "
          + logReadsPerRound + " and " + logReadThreads);
    }
  }

  /** Settings with the default log-read budget and threads. */
  public RunPodSettings(Duration callTimeout, Duration logIdle, Duration logDeadline, int logLines, String markerDir) {
    this(callTimeout, logIdle, logDeadline, logLines, markerDir, DEFAULT_LOG_READS_PER_ROUND, DEFAULT_LOG_READ_THREADS);
  }

  /** These settings with another log-read budget per round. */
  public RunPodSettings withLogReadsPerRound(int reads) {
    return new RunPodSettings(callTimeout, logIdle, logDeadline, logLines, markerDir, reads, logReadThreads);
  }
}
