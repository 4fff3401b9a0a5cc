package io.gpucompute.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU time (user + system) that processes have used so far, from {@code /proc/<pid>/stat}: on a machine others
 * share, CPU seconds per job say more than wall time does. Two samples subtracted give what a run cost each process.
 */
record ProcessCpu(Map<String, Double> seconds) {

  /** Clock ticks per second of /proc's times; 100 on every Linux this runs on. */
  private static final double TICKS = 100.0;

  /** A sample of the processes named by {@code pids} (name to pid); one that is gone counts 0. */
  static ProcessCpu sample(Map<String, Long> pids) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    pids.forEach((name, pid) -> seconds.put(name, cpuSeconds(pid)));
    return new ProcessCpu(seconds);
  }

  ProcessCpu since(ProcessCpu earlier) {
    Map<String, Double> delta = new LinkedHashMap<>();
    seconds.forEach((name, s) -> delta.put(name, s - earlier.seconds.getOrDefault(name, 0.0)));
    return new ProcessCpu(delta);
  }

  /** {@code name 12.3 s, name 4.5 s, ...}, each also divided by {@code per} (for example per job). */
  String describe(int per, String unit) {
    StringBuilder out = new StringBuilder();
    seconds.forEach((name, s) -> out.append(out.isEmpty() ? "" : ", ")
        .append(String.format("%s %.1f s (%.1f ms/%s)", name, s, 1000 * s / per, unit)));
    return out.toString();
  }

  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the name.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
