package io.gpucompute.testprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A live process of the test run, read from {@code /proc}: its pid, its start time (so a later process that reuses
 * the pid is another one), the tags of its environment and its command line.
 *
 * @param startTicks the start time in clock ticks since boot ({@code /proc/<pid>/stat}, field 22)
 * @param what the {@link TestProcessTag#WHAT} tag, or null
 * @param environment the variables that say what it is: the tags and the Local provider's {@code GPUCOMPUTE_JOB_*}
 */
public record TaggedProcess(long pid, long startTicks, String what, Map<String, String> environment,
    String commandLine) {

  /** The process as {@code /proc} shows it, when it is alive (not a zombie) and its environment can be read. */
  static Optional<TaggedProcess> read(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      if (fields[0].equals("Z") || fields[0].equals("X")) {
        return Optional.empty();
      }
      Map<String, String> environment = new HashMap<>();
      for (String entry : nulSeparated(proc.resolve("environ"))) {
        int eq = entry.indexOf('=');
        if (eq > 0 && entry.startsWith("GPUCOMPUTE_")) {
          environment.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      return Optional.of(new TaggedProcess(pid, Long.parseLong(fields[19]), environment.get(TestProcessTag.WHAT),
          environment, String.join(" ", nulSeparated(proc.resolve("cmdline")))));
    } catch (IOException | RuntimeException goneOrNotOurs) {
      return Optional.empty();
    }
  }

  /** The run it carries in {@link TestProcessTag#RUN}, or null. */
  String run() {
    return environment.get(TestProcessTag.RUN);
  }

  /** Whether this very process (same pid, same start) still runs. */
  boolean alive() {
    return read(pid).map(now -> now.startTicks == startTicks).orElse(false);
  }

  /** One line for a failure message: what it is and how it was started. */
  public String describe() {
    String job = environment.get("GPUCOMPUTE_JOB_NAME");
    String kind = what != null ? what
        : job != null ? "a workload of GpuJob " + environment.get("GPUCOMPUTE_JOB_NAMESPACE") + "/" + job + " (attempt "
            + environment.get("GPUCOMPUTE_JOB_ATTEMPT") + ")"
        : "a process started by the test JVM";
    return "pid " + pid + ", " + kind + ": " + commandLine;
  }

  private static String[] nulSeparated(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    return text.isEmpty() ? new String[0] : text.split("\0");
  }
}
