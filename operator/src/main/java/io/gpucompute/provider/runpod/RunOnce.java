package io.gpucompute.provider.runpod;

import io.gpucompute.provider.LogShipping;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.WorkloadKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run-once semantics on RunPod pods, which restart their container whenever it exits.
 *
 * <p>The job's argv runs inside a small POSIX sh wrapper that the pod gets in the environment variable
 * {@link #SCRIPT_VARIABLE}; the pod's start command ({@code dockerArgs}) only evaluates it. The wrapper
 * <ol>
 *   <li>prints {@code gpucompute-run[<workload>]: started} and leaves a {@code started} marker file,</li>
 *   <li>runs the argv once, then records its exit code in an {@code exit-code} marker file and prints
 *       {@code gpucompute-run[<workload>]: exit-code=<n>},</li>
 *   <li>then never exits (it sleeps), so RunPod has nothing to restart; the operator reads the exit line from the
 *       pod's log and terminates the pod.</li>
 * </ol>
 * If the container restarts anyway (a crash, a host hiccup), the wrapper finds its markers and does not run the argv
 * again: after an {@code exit-code} marker it prints the recorded code again; after only a {@code started} marker it
 * prints {@code exit-code=lost} (the command was cut off). The markers live in the marker directory, under the
 * pod's volume when it has one. Pure.
 */
final class RunOnce {

  /** The pod environment variable that carries the id of the operator installation that created the pod. */
  static final String INSTALLATION_VARIABLE = "GPUCOMPUTE_INSTALLATION";
  /** The environment variable that carries the wrapper script. */
  static final String SCRIPT_VARIABLE = "GPUCOMPUTE_RUN";
  /** The pod's start command: evaluates the wrapper. It holds nothing of the job, so it needs no escaping. */
  static final String DOCKER_ARGS = "sh -c 'eval \"$" + SCRIPT_VARIABLE + "\"'";
  /** What the exit line says when the command was cut off by a container restart. */
  static final String LOST = "lost";

  /** A wrapper line; text before it is the command's last output when that did not end with a newline. */
  private static final Pattern MARKER = Pattern.compile("^(.*?)gpucompute-run\\[([a-z0-9-]+)\\]: (.*)$");
  private static final Pattern EXIT = Pattern.compile("^exit-code=(\\d{1,3}|" + LOST + ")$");

  /** What the log says about one workload's run. */
  record Outcome(Instant startedAt, Integer exitCode, boolean lost, Instant finishedAt, boolean restarted,
      List<String> output) {

    boolean finished() {
      return exitCode != null || lost;
    }
  }

  private RunOnce() {}

  /** The prefix of the wrapper's own lines for {@code workloadName}. */
  static String prefix(String workloadName) {
    return "gpucompute-run[" + workloadName + "]: ";
  }

  /**
   * The wrapper script for one workload. Like the Local provider, it gives the command
   * {@code GPUCOMPUTE_JOB_NAMESPACE}, {@code GPUCOMPUTE_JOB_NAME} and {@code GPUCOMPUTE_JOB_ATTEMPT} (exported by the
   * script, so they take none of the pod's environment slots).
   *
   * @param key the workload's key; its {@link WorkloadKey#workloadName()} names the markers
   * @param argv the command and its arguments, at least one element
   * @param markerDir the directory for the marker files, without a trailing slash
   */
  static String script(WorkloadKey key, List<String> argv, String markerDir) {
    return script(key, argv, markerDir, List.of(), null);
  }

  /**
   * Like {@link #script(WorkloadKey, List, String)}, and first makes the directories {@code scratchDirs} (the job's
   * emptyDir volumes, on the container disk); with {@code upload} the command runs under
   * {@link LogShipping}'s {@code gpucompute_logged}, its whole output going to the log archive before the exit line.
   */
  static String script(WorkloadKey key, List<String> argv, String markerDir, List<String> scratchDirs,
      LogUpload upload) {
    String workloadName = key.workloadName();
    String say = "echo " + quote(prefix(workloadName));
    String dir = quote(markerDir + "/" + workloadName);
    StringBuilder command = new StringBuilder();
    if (upload != null) {
      command.append("gpucompute_logged \"$d/output.log\" ").append(quote(upload.url().toString())).append(' ')
          .append(upload.intervalSeconds());
    }
    for (String arg : argv) {
      command.append(command.length() == 0 ? "" : " ").append(quote(arg));
    }
    StringBuilder scratch = new StringBuilder();
    for (String path : scratchDirs) {
      scratch.append(" ").append(quote(path));
    }
    return String.join("\n",
        "unset " + SCRIPT_VARIABLE, // the command needs none of this script (with a log upload URL in it)
        upload == null ? "" : LogShipping.functions(),
        scratchDirs.isEmpty() ? "" : "mkdir -p" + scratch + " 2>/dev/null",
        "d=" + dir,
        "if [ -f \"$d/exit-code\" ]; then",
        "  " + say + "'restarted after the command ended; not running it again'",
        "  " + say + "\"exit-code=$(cat \"$d/exit-code\")\"",
        "elif [ -f \"$d/started\" ]; then",
        "  " + say + "'restarted while the command ran; not running it again'",
        "  " + say + "'exit-code=" + LOST + "'",
        "else",
        "  mkdir -p \"$d\" 2>/dev/null && : > \"$d/started\" 2>/dev/null",
        "  " + say + "'started'",
        "  export GPUCOMPUTE_JOB_NAMESPACE=" + quote(key.namespace()) + " GPUCOMPUTE_JOB_NAME=" + quote(key.name())
            + " GPUCOMPUTE_JOB_ATTEMPT=" + key.attempt(),
        "  " + command,
        "  c=$?",
        "  echo \"$c\" > \"$d/exit-code\" 2>/dev/null",
        "  " + say + "\"exit-code=$c\"",
        "fi",
        "while :; do sleep 3600; done",
        "");
  }

  /** {@code text} as one POSIX shell word. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\"'\"'") + "'";
  }

  /** Reads the wrapper's lines for {@code workloadName} out of a log; the rest is the command's output. */
  static Outcome parse(List<PodLogs.Line> lines, String workloadName) {
    Instant startedAt = null;
    Instant finishedAt = null;
    Integer exitCode = null;
    boolean lost = false;
    boolean restarted = false;
    List<String> output = new ArrayList<>();
    for (PodLogs.Line line : lines) {
      Matcher marker = MARKER.matcher(line.text());
      if (!marker.matches() || !marker.group(2).equals(workloadName)) {
        output.add(line.text());
        continue;
      }
      if (!marker.group(1).isEmpty()) {
        output.add(marker.group(1));
      }
      String said = marker.group(3);
      Matcher exit = EXIT.matcher(said);
      if (said.equals("started")) {
        startedAt = line.ts();
      } else if (said.startsWith("restarted")) {
        restarted = true;
      } else if (exit.matches()) {
        if (finishedAt == null) {
          finishedAt = line.ts(); // the first report is when it ended; a restart repeats it later
        }
        if (LOST.equals(exit.group(1))) {
          lost = true;
        } else {
          exitCode = Integer.valueOf(exit.group(1));
        }
      }
    }
    return new Outcome(startedAt, exitCode, lost && exitCode == null, finishedAt, restarted, output);
  }
}
