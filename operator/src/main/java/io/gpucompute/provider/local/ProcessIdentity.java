package io.gpucompute.provider.local;

import java.util.Optional;

/**
 * One process, told apart from a later process that reuses its pid by its start time.
 *
 * @param pid the process id
 * @param startTicks its start time in clock ticks since boot ({@code /proc/<pid>/stat} field 22)
 */
record ProcessIdentity(long pid, long startTicks) {

  /** The process now running as {@code pid}, if any. */
  static Optional<ProcessIdentity> current(long pid) {
    return ProcessTable.stat(pid).map(stat -> new ProcessIdentity(stat.pid(), stat.startTicks()));
  }

  /** Whether this very process still runs (not a zombie, and its pid not reused by another). */
  boolean isAlive() {
    return ProcessTable.stat(pid).filter(stat -> stat.startTicks() == startTicks && stat.isRunning()).isPresent();
  }

  /** Whether another process now has this pid. */
  boolean isPidReused() {
    return ProcessTable.stat(pid).filter(stat -> stat.startTicks() != startTicks).isPresent();
  }

  /** The form stored in a workload's {@code pid} file: {@code <pid> <startTicks>}. */
  String serialize() {
    return pid + " " + startTicks;
  }

  /** Reads the form of {@link #serialize}. */
  static Optional<ProcessIdentity> parse(String text) {
    String[] parts = text.strip().split("\\s+");
    if (parts.length != 2) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcessIdentity(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
