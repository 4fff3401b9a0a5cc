package io.gpucompute.testprocess;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Process groups, through {@code /proc} and kill(1) (Linux only, as the test hosts are). A test process started as
 * {@code setsid <command>} leads a group of its own (its pid is the group's id), and one signal to the group stops it
 * and everything it started at once: a shell loop cannot start another child between the kills of its members, as it
 * can when they are killed one by one.
 */
public final class ProcessGroups {

  private ProcessGroups() {}

  /** {@code argv} run in a new session and process group: {@code setsid argv...}. */
  public static List<String> inNewGroup(List<String> argv) {
    List<String> command = new ArrayList<>(argv.size() + 1);
    command.add("setsid");
    command.addAll(argv);
    return command;
  }

  /** Whether any live (not zombie) process is in {@code group}. */
  public static boolean alive(long group) {
    return ProcessHandle.allProcesses().anyMatch(p -> groupOf(p.pid()) == group && p.isAlive());
  }

  /** The process group of {@code pid}, or -1 when it is gone or a zombie. */
  public static long groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return "Z".equals(fields[0]) ? -1 : Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** SIGKILLs the group and waits until none of it is left. */
  public static void kill(long group) {
    try {
      new ProcessBuilder("kill", "-KILL", "--", "-" + group).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    await("process group " + group + " gone after SIGKILL").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20)).until(() -> !alive(group));
  }
}
