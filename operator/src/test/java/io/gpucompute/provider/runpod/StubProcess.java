package io.gpucompute.provider.runpod;

import io.gpucompute.testprocess.ProcessGroups;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A real local process standing in for a container: its output lines are kept with their times, and its whole
 * process group is killed on {@link #kill}. Used by {@link RunPodStub} for pod containers and serverless workers.
 * It runs in a process group of its own ({@link ProcessGroups}), tagged as a test process ({@link TestProcessTag}).
 */
final class StubProcess {

  /** One output line and when it was printed. */
  record Line(Instant ts, String text) {}

  private final Process process;
  private final List<Line> output;

  private StubProcess(Process process, List<Line> output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Starts {@code argv} with exactly {@code env} (plus PATH), appending its stdout and stderr lines to {@code output}
   * and telling {@code onExit} the exit code once the output is drained.
   */
  static StubProcess start(List<String> argv, Map<String, String> env, List<Line> output, IntConsumer onExit)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inNewGroup(argv)).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    TestProcessTag.tag(builder.environment(), "runpod-stub container");
    Process process = builder.start();
    process.getOutputStream().close();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (output) {
            output.add(new Line(Instant.now(), line));
          }
        }
      } catch (IOException e) {
        // the process was killed
      }
      try {
        onExit.accept(process.waitFor());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "runpod-stub-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    return new StubProcess(process, output);
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Kills the process and every process it started (its process group, at once), and returns once they have exited,
   * as a terminated pod's container is gone when RunPod answers podTerminate.
   */
  void kill() {
    ProcessGroups.kill(process.pid());
    try {
      // The JVM reaps its child a moment after the kernel ended it; until then isAlive() still says true.
      process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("stub process " + process.pid() + " was not reaped after SIGKILL", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the process and everything it started have ended. */
  boolean treeDead() {
    return !process.isAlive() && !ProcessGroups.alive(process.pid());
  }

  List<Line> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /** Splits a command line as a POSIX shell does for quotes and backslashes (no expansion). */
  static List<String> split(String commandLine) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < commandLine.length(); i++) {
      char c = commandLine.charAt(i);
      if (c == '\'') {
        int end = commandLine.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ' in " + commandLine);
        }
        word.append(commandLine, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < commandLine.length() && commandLine.charAt(j) != '"'; j++) {
          char d = commandLine.charAt(j);
          if (d == '\\' && j + 1 < commandLine.length() && "\"\\$`".indexOf(commandLine.charAt(j + 1)) >= 0) {
            d = commandLine.charAt(++j);
          }
          word.append(d);
        }
        if (j >= commandLine.length()) {
          throw new IllegalArgumentException("unterminated \" in " + commandLine);
        }
        i = j;
        inWord = true;
      } else if (c == '\\' && i + 1 < commandLine.length()) {
        word.append(commandLine.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
