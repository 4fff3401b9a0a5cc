package io.gpucompute.provider;

import java.util.List;

/**
 * The POSIX shell that ships a workload's whole output to its {@link LogUpload} URL, for the adapters whose workloads
 * run a shell wrapper (RunPod pods, Kubernetes and TencentTKE Jobs, AlibabaECS instances). Pure: it only builds text.
 *
 * <p>{@code gpucompute_logged <file> <url> <seconds> <argv...>} runs the argv with its stdout and stderr copied
 * (through {@code tee}) to the file and to the wrapper's own stdout, so the provider's log and the log tail stay as
 * they were; a background loop uploads the file every {@code <seconds>}, and once the command has ended the wrapper
 * stops the loop and uploads the whole file a last time, before it reports the exit code, which it returns. So an
 * attempt that the operator sees finished has its whole output in the archive. An upload is one HTTP PUT of the file
 * to the presigned URL with curl, else wget, else python3; a failed upload never fails the job: the wrapper says so
 * on stderr (not in the archived output). When the file cannot be written the command runs without archiving.
 */
public final class LogShipping {

  /** The wrapper's {@code $0} in a container. */
  public static final String WRAPPER_NAME = "gpucompute-run";

  /** {@code gpucompute_put <file> <url>}: one PUT of the file; fails when no client is there or the PUT fails. */
  static final String PUT = String.join("\n",
      "gpucompute_put() {",
      "  if command -v curl >/dev/null 2>&1; then",
      "    curl -fsS --retry 2 --upload-file \"$1\" \"$2\" >/dev/null 2>&1 && return 0",
      "  fi",
      "  if command -v wget >/dev/null 2>&1; then",
      "    wget -q -O /dev/null --method=PUT --body-file=\"$1\" \"$2\" >/dev/null 2>&1 && return 0",
      "  fi",
      "  if command -v python3 >/dev/null 2>&1; then",
      "    python3 -c 'import os, sys, urllib.request as r; f = open(sys.argv[1], \"rb\"); "
          + "r.urlopen(r.Request(sys.argv[2], data=f, method=\"PUT\", "
          + "headers={\"Content-Length\": str(os.path.getsize(sys.argv[1]))}), timeout=600)' "
          + "\"$1\" \"$2\" >/dev/null 2>&1 && return 0",
      "  fi",
      "  return 1",
      "}");

  /** {@code gpucompute_logged <file> <url> <seconds> <argv...>}: see the class comment. */
  static final String LOGGED = String.join("\n",
      "gpucompute_logged() {",
      "  gc_log=$1; gc_url=$2; gc_every=$3; shift 3",
      "  if ! : > \"$gc_log\" 2>/dev/null; then",
      "    echo \"gpucompute: cannot write $gc_log; the output is not archived\" >&2",
      "    ( exec \"$@\" )",
      "    return $?",
      "  fi",
      "  ( trap 'kill $gc_sleep 2>/dev/null; exit 0' TERM",
      "    while :; do sleep \"$gc_every\" & gc_sleep=$!; wait $gc_sleep; gpucompute_put \"$gc_log\" \"$gc_url\"; done"
          + " ) &",
      "  gc_shipper=$!",
      "  { ( exec \"$@\" ) 2>&1; echo $? > \"$gc_log.exit\"; } | tee -a \"$gc_log\"",
      "  kill $gc_shipper 2>/dev/null; wait $gc_shipper 2>/dev/null",
      "  gpucompute_put \"$gc_log\" \"$gc_url\" || echo \"gpucompute: the output could not be uploaded to the log "
          + "archive\" >&2",
      "  gc_code=$(cat \"$gc_log.exit\" 2>/dev/null)",
      "  return \"${gc_code:-1}\"",
      "}");

  private LogShipping() {}

  /** The shell functions {@code gpucompute_put} and {@code gpucompute_logged}, for a wrapper to define. */
  public static String functions() {
    return PUT + "\n" + LOGGED + "\n";
  }

  /**
   * The command of a container that runs its argv under {@code gpucompute_logged}: {@code /bin/sh -c <script>
   * gpucompute-run <seconds> <argv...>}. The URL comes in the environment variable {@link LogUpload#URL_VARIABLE},
   * which the script removes before the argv runs; the output goes to {@code ${TMPDIR:-/tmp}}.
   */
  public static List<String> containerCommand(LogUpload upload, List<String> argv) {
    String script = functions()
        + "gc_url=$" + LogUpload.URL_VARIABLE + "; unset " + LogUpload.URL_VARIABLE + "\n"
        + "gc_seconds=$1; shift\n"
        + "gpucompute_logged \"${TMPDIR:-/tmp}/gpucompute-output.log\" \"$gc_url\" \"$gc_seconds\" \"$@\"\n";
    List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", "-c", script, WRAPPER_NAME,
        Long.toString(upload.intervalSeconds())));
    command.addAll(argv);
    return command;
  }
}
