package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.WorkloadState;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one RunPod pod and its log say about a workload. Pure.
 *
 * <p>RunPod reports no exit code: a pod is RUNNING (its container up once {@code runtime} is set), EXITED (stopped)
 * or gone. The end of the job and its exit code come from the run-once wrapper's exit line in the pod's log
 * ({@link RunOnce}); a pod that stopped or vanished without one was lost. A pod bills from its deploy until it is
 * terminated, whatever its command does, so observations carry no start or end time: the attempt is billed from its
 * record until the operator sees it end.
 */
final class PodVerdict {

  /** The podType of a spot pod, as RunPod spells it: such a pod stopped by RunPod was reclaimed. */
  static final String INTERRUPTIBLE = "INTERRUPTABLE";

  /** Bounds of the log tail in status, as the Local provider's. */
  static final int MAX_LINES = 40;
  static final int MAX_BYTES = 4096;

  private PodVerdict() {}

  /**
   * @param pod the pod as {@code pod(input: {podId})} returns it
   * @param logs the newest lines of its log, or why they are unavailable; null when not read (not started yet)
   * @param workloadName the workload's name, which the wrapper's lines carry
   */
  static Observation of(JsonNode pod, PodLogs.Read logs, String workloadName) {
    String id = pod.path("id").asText();
    String status = pod.path("desiredStatus").asText("UNKNOWN");
    boolean containerUp = pod.path("runtime").isObject();
    RunOnce.Outcome outcome = logs != null && logs.available() ? RunOnce.parse(logs.lines(), workloadName) : null;
    String logTail = outcome == null ? null : tail(outcome.output());
    if (outcome != null && outcome.finished()) {
      if (outcome.lost()) {
        return new Observation(WorkloadState.LOST, id, null, "pod " + id + "'s container restarted while the command "
            + "ran; the run-once guard did not run it again", logTail, null, null);
      }
      int code = outcome.exitCode();
      String restarted = outcome.restarted() ? " (the container restarted afterwards; the command was not run again)" : "";
      return new Observation(code == 0 ? WorkloadState.SUCCEEDED : WorkloadState.FAILED, id, code,
          "the command in pod " + id + " exited with code " + code + restarted, logTail, null, null);
    }
    String noLogs = logs != null && !logs.available()
        ? "; logs unavailable (" + logs.unavailable() + "), so the end of the command cannot be seen until they are" : "";
    switch (status) {
      case "RUNNING" -> {
        if (!containerUp) {
          return new Observation(WorkloadState.PENDING, id, null, "pod " + id + " is starting: the host is pulling "
              + "the image or starting the container", logTail, null, null);
        }
        return new Observation(WorkloadState.RUNNING, id, null, "pod " + id + describe(pod) + noLogs, logTail,
            null, null);
      }
      case "EXITED", "TERMINATED" -> {
        if (INTERRUPTIBLE.equals(pod.path("podType").asText(""))) {
          return new Observation(WorkloadState.PREEMPTED, id, null, "interruptible pod " + id + " is " + status
              + " before its command ended: RunPod took its GPUs back" + noLogs, logTail, null, null);
        }
        return new Observation(WorkloadState.LOST, id, null, "pod " + id + " is " + status + " but its command never "
            + "reported an exit code: it was stopped outside the operator" + noLogs, logTail,
            null, null);
      }
      default -> {
        return new Observation(WorkloadState.PENDING, id, null, "pod " + id + " is " + status, logTail, null, null);
      }
    }
  }

  private static String describe(JsonNode pod) {
    StringBuilder text = new StringBuilder();
    String gpu = pod.path("machine").path("gpuDisplayName").asText("");
    if (!gpu.isEmpty()) {
      text.append(" runs on ").append(pod.path("gpuCount").asInt(1)).append("x ").append(gpu);
    } else {
      text.append(" is running");
    }
    if (pod.hasNonNull("costPerHr")) {
      text.append(" at ").append(pod.get("costPerHr").asText()).append(" USD/h");
    }
    return text.toString();
  }

  /** The last lines of output, at most {@link #MAX_LINES} lines and {@link #MAX_BYTES} bytes. */
  static String tail(List<String> output) {
    List<String> last = output.subList(Math.max(0, output.size() - MAX_LINES), output.size());
    StringBuilder text = new StringBuilder();
    int bytes = 0;
    for (int i = last.size() - 1; i >= 0; i--) {
      String line = last.get(i);
      int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (bytes + size > MAX_BYTES) {
        if (text.length() == 0) {
          // One line longer than the bound: keep its end, where the newest output is.
          text.append(line, Math.max(0, line.length() - MAX_BYTES / 4), line.length()).append('\n');
        }
        break;
      }
      text.insert(0, line + "\n");
      bytes += size;
    }
    return text.toString();
  }
}
