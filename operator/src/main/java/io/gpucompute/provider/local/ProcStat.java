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
    // Fields 3 to 22, split on whitespace by hand: the operator reads every process's line when it stops a workload.
    String[] fields = new String[20];
    int count = 0;
    int i = close + 1;
    int end = line.length();
    while (count < fields.length) {
      while (i < end && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i >= end) {
        break;
      }
      int start = i;
      while (i < end && !Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      fields[count++] = line.substring(start, i);
    }
    // fields[0] is field 3 (state), so field n is fields[n - 3]; starttime is field 22.
    if (count < fields.length || fields[0].length() != 1) {
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
