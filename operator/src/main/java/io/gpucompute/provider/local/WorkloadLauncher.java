package io.gpucompute.provider.local;

import java.io.File;
import java.io.IOException;

/** Starts a workload's wrapper process in its directory, its output appended to {@code output.log}. */
final class WorkloadLauncher {

  /**
   * A started workload.
   *
   * @param process the started process (the {@code setsid} that becomes the wrapper)
   * @param identity its pid and start time
   */
  record Launched(Process process, ProcessIdentity identity) {}

  /** A start time that no process has, for a process that ended before its start time could be read. */
  private static final long UNKNOWN_START = -1;

  private WorkloadLauncher() {}

  static Launched launch(WorkloadDirectory dir, LaunchCommand command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command.argv())
        .directory(dir.path().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.outputLog().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(command.environment());
    Process process = builder.start();
    ProcessIdentity identity = ProcessIdentity.current(process.pid())
        .orElse(new ProcessIdentity(process.pid(), UNKNOWN_START));
    return new Launched(process, identity);
  }
}
