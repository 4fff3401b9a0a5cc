package io.gpucompute.provider.local;

import io.gpucompute.provider.WorkloadState;

/**
 * What a workload's directory and process say about its state. Pure: the facts come in, the state comes out.
 *
 * @param state the state
 * @param exitCode the exit code, when it ended with one
 * @param message a short explanation, or null
 */
record WorkloadVerdict(WorkloadState state, Integer exitCode, String message) {

  /**
   * Decides the state of a launched workload. An exit code wins over everything (the command really ended so);
   * then a cancel; then a live process means it runs; a dead one without an exit code is lost.
   *
   * @param exitCode the exit code the wrapper wrote, or null
   * @param cancelled whether it was cancelled
   * @param alive whether the wrapper process still runs; read BEFORE the exit code, so a wrapper that writes its
   *     exit code and exits in between is never taken for lost
   * @param pid the wrapper's pid, for the message
   */
  static WorkloadVerdict of(Integer exitCode, boolean cancelled, boolean alive, long pid) {
    if (exitCode != null) {
      return exitCode == 0
          ? new WorkloadVerdict(WorkloadState.SUCCEEDED, 0, "exited with code 0")
          : new WorkloadVerdict(WorkloadState.FAILED, exitCode, exitMessage(exitCode));
    }
    if (cancelled) {
      return new WorkloadVerdict(WorkloadState.FAILED, null, "cancelled");
    }
    if (alive) {
      return new WorkloadVerdict(WorkloadState.RUNNING, null, null);
    }
    return new WorkloadVerdict(WorkloadState.LOST, null, "process " + pid + " is gone without an exit code");
  }

  private static String exitMessage(int exitCode) {
    String message = "exited with code " + exitCode;
    if (exitCode > 128 && exitCode < 128 + 65) {
      message += " (killed by signal " + (exitCode - 128) + ")";
    }
    return message;
  }
}
