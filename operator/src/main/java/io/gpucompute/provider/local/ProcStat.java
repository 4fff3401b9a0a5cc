package io.gpucompute.provider.local;

import java.util.Optional;

/**
 * The fields of one {@code /proc/<pid>/stat} line that the Local provider needs. Pure: parsing only.
 *
 * @param pid the process id
 * @param state the state letter ({@code R}, {@code S}, {@code Z}, ...)
 * @param parentPid the parent's pid
 * @param processGroup the process group id
 * @param session the session id
 * @param startTicks when the process started, in clock ticks since boot: with the pid, it tells a process apart
 *     from a later one that reuses its pid
 */
record ProcStat(long pid, char state, long parentPid, long processGroup, long session, long startTicks) {

  /** Whether the process still runs: it exists and is neither a zombie nor dead. */
  boolean isRunning() {
    return state != 'Z' && state != 'X' && state != 'x';
  }

  /**
   * Parses a stat line. The command name (field 2) is in parentheses and may itself hold spaces and parentheses,
   * so the fields are counted from the last {@code ')'}.
   */
  static Optional<ProcStat> parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 1 || close < open) {
      return Optional.empty();
    }
    String[] fields = line.substring(close + 1).trim().split("\\s+");
    // fields[0] is field 3 (state), so field n is fields[n - 3]; starttime is field 22.
    if (fields.length < 20 || fields[0].length() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcStat(
          Long.parseLong(line.substring(0, open).trim()),
          fields[0].charAt(0),
          Long.parseLong(fields[1]),
          Long.parseLong(fields[2]),
          Long.parseLong(fields[3]),
          Long.parseLong(fields[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
