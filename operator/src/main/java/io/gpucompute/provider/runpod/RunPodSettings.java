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
 */
public record RunPodSettings(Duration callTimeout, Duration logIdle, Duration logDeadline, int logLines,
    String markerDir) {

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
  }
}
