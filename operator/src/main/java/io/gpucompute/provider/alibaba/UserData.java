package io.gpucompute.provider.alibaba;

import io.gpucompute.provider.LogShipping;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadVolume;
import io.gpucompute.secrets.Scrubber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The instance side of an attempt: the cloud-init script that runs the job's container once, and the Cloud
 * Assistant command that reads its log tail and exit code back.
 *
 * <p>The script prepares the host when the image lacks something (NVIDIA driver, Docker, the NVIDIA container
 * runtime), then starts the container detached as {@value #CONTAINER} and, in the background, waits for it and writes
 * its exit code to {@code $GPUJOB_DIR/exit}. A marker file makes it run once even if cloud-init runs it again. When
 * the host cannot be prepared or the container cannot start, it writes exit code 125 (Docker's own code for that).
 *
 * <p>Environment values travel inside the UserData (Base64 on the wire, readable in the clear by whoever may call
 * DescribeUserData): they are never put on a command line, though; the container gets them through {@code -e NAME}.
 * So a value read from a Secret ({@code env[].valueFrom.secretKeyRef}, or a credential) is refused
 * ({@value #SECRET_ENV_REFUSED}) rather than written there: ECS offers no boot-time channel that DescribeUserData
 * or DescribeInvocations would not show.
 *
 * <p>Volumes ({@link EcsVolumes}) are mounted on the host under {@code $GPUJOB_DIR/volumes/<name>} before the
 * container starts, and bound into it at their mount path. With a log archive, the waiter uploads the container's
 * whole output ({@code docker logs}) to the presigned URL every interval and once more when the container has
 * exited, before it writes the exit code: the URL grants writing that one object, and the UserData holds no storage
 * credential.
 */
final class UserData {

  /** The container's name on the instance. */
  static final String CONTAINER = "gpujob";
  /** Where the script keeps its markers, the setup log and the exit code. */
  static final String DEFAULT_DIR = "/var/lib/gpujob";
  /** The line that carries the exit code in the Cloud Assistant output; empty after it while the job runs. */
  static final String EXIT_MARKER = "__GPUJOB_EXIT__";
  /** ECS's documented limit on UserData before Base64 (older documents say 16 KB). */
  static final int MAX_BYTES = 32 * 1024;

  /** The reason of a job whose env holds a value read from a Secret. */
  static final String SECRET_ENV_REFUSED = "SecretEnvNotSupported";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private UserData() {}

  /** The script for {@code spec}, as plain text. */
  static String render(WorkloadSpec spec) throws ProviderException.InvalidRequest {
    if (spec.image() == null || spec.image().isBlank()) {
      throw new ProviderException.InvalidRequest("ImageRequired", "AlibabaECS runs the job's container image: "
          + "spec.image is required");
    }
    StringBuilder s = new StringBuilder();
    s.append("#!/bin/bash\n");
    s.append("# gpucompute.io: runs workload ").append(spec.key().workloadName()).append(" (GpuJob ")
        .append(safeComment(spec.key().namespace() + "/" + spec.key().name())).append(") once, in a container.\n");
    s.append("set -u\n");
    s.append("GPUJOB_DIR=\"${GPUJOB_DIR:-").append(DEFAULT_DIR).append("}\"\n");
    s.append("mkdir -p \"$GPUJOB_DIR\"\n");
    s.append("# Run once: a reboot or a second cloud-init pass must not start the job again.\n");
    s.append("if [ -e \"$GPUJOB_DIR/started\" ]; then exit 0; fi\n");
    s.append("touch \"$GPUJOB_DIR/started\"\n");
    s.append("exec >>\"$GPUJOB_DIR/setup.log\" 2>&1\n");
    s.append("finish() { echo \"$1\" > \"$GPUJOB_DIR/exit.tmp\" && mv \"$GPUJOB_DIR/exit.tmp\" \"$GPUJOB_DIR/exit\"; }\n");
    s.append("setup_host() {\n");
    s.append("  export DEBIAN_FRONTEND=noninteractive\n");
    s.append("  if ! command -v nvidia-smi >/dev/null 2>&1; then\n");
    s.append("    echo 'gpujob: installing the NVIDIA driver'\n");
    s.append("    apt-get update -y && apt-get install -y ubuntu-drivers-common && ubuntu-drivers install --gpgpu"
        + " || return 1\n");
    s.append("  fi\n");
    s.append("  if ! command -v docker >/dev/null 2>&1; then\n");
    s.append("    echo 'gpujob: installing Docker'\n");
    s.append("    apt-get update -y && apt-get install -y docker.io || return 1\n");
    s.append("  fi\n");
    s.append("  if ! docker info 2>/dev/null | grep -qi nvidia; then\n");
    s.append("    echo 'gpujob: configuring the NVIDIA container runtime'\n");
    s.append("    if ! command -v nvidia-ctk >/dev/null 2>&1; then apt-get install -y nvidia-container-toolkit"
        + " || return 1; fi\n");
    s.append("    nvidia-ctk runtime configure --runtime=docker && systemctl restart docker || return 1\n");
    s.append("  fi\n");
    s.append("}\n");
    s.append("if ! setup_host; then echo 'gpujob: host setup failed'; finish 125; exit 1; fi\n");
    s.append(EcsVolumes.mounts(spec.volumes()));
    Map<String, String> env = new TreeMap<>(spec.env());
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw new ProviderException.InvalidRequest("InvalidEnvName", "env name '" + e.getKey()
            + "' is not a shell variable name; AlibabaECS passes env to the container by name");
      }
      if (Scrubber.containsSecret(e.getValue())) {
        throw new ProviderException.InvalidRequest(SECRET_ENV_REFUSED, "env " + e.getKey() + " holds a value read "
            + "from a Secret: AlibabaECS would have to write it into the instance's UserData, which anyone allowed "
            + "ecs:DescribeUserData reads in the clear, so it refuses secretKeyRef env; let the container fetch the "
            + "secret itself (for example with the instance's RAM role), or use another provider");
      }
      s.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append('\n');
    }
    List<String> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", CONTAINER, "--gpus", "all",
        "--runtime=nvidia"));
    env.keySet().forEach(name -> {
      run.add("-e");
      run.add(name);
    });
    for (WorkloadVolume volume : spec.volumes()) {
      run.add("-v");
      run.add(EcsVolumes.HOST_DIR + volume.name() + ":" + volume.mountPath() + (volume.readOnly() ? ":ro" : ""));
    }
    List<String> after = new ArrayList<>();
    if (!spec.command().isEmpty()) {
      run.add("--entrypoint");
      run.add(spec.command().get(0));
      after.addAll(spec.command().subList(1, spec.command().size()));
    }
    after.addAll(spec.args());
    run.add(spec.image());
    run.addAll(after);
    s.append("if ! ").append(String.join(" ", run.stream().map(UserData::runWord).toList()))
        .append("; then echo 'gpujob: the container did not start'; finish 125; exit 1; fi\n");
    s.append("cat > \"$GPUJOB_DIR/wait.sh\" <<'GPUJOB_WAIT'\n").append(WAITER).append("GPUJOB_WAIT\n");
    s.append("nohup bash \"$GPUJOB_DIR/wait.sh\" \"$GPUJOB_DIR\"");
    if (spec.logUpload() != null) {
      s.append(' ').append(quote(spec.logUpload().url().toString())).append(' ')
          .append(spec.logUpload().intervalSeconds());
    }
    s.append(" >/dev/null 2>&1 &\n");
    String script = s.toString();
    if (script.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new ProviderException.InvalidRequest("UserDataTooLarge", "the job's command, args and env make a "
          + "UserData script of " + script.getBytes(StandardCharsets.UTF_8).length + " bytes; ECS takes at most "
          + MAX_BYTES);
    }
    return script;
  }

  /**
   * The waiter, {@code wait.sh <dir> [<url> <seconds>]}: waits for the container, ships its output to the log archive
   * when given a URL (every {@code <seconds>} and at the end), then writes the exit code to {@code <dir>/exit}.
   */
  static final String WAITER = LogShipping.functions()
      + "d=$1; url=${2:-}; every=${3:-300}\n"
      + "ship() { docker logs " + CONTAINER + " > \"$d/output.log\" 2>&1; gpucompute_put \"$d/output.log\" \"$url\"; }\n"
      + "if [ -n \"$url\" ]; then\n"
      + "  ( trap 'kill $s 2>/dev/null; exit 0' TERM; while :; do sleep \"$every\" & s=$!; wait $s; ship; done ) &\n"
      + "  shipper=$!\n"
      + "fi\n"
      + "rc=$(docker wait " + CONTAINER + ") || rc=125\n"
      + "if [ -n \"$url\" ]; then\n"
      + "  kill $shipper 2>/dev/null; wait $shipper 2>/dev/null\n"
      + "  ship || echo 'gpujob: the output could not be uploaded to the log archive' >> \"$d/setup.log\"\n"
      + "fi\n"
      + "echo \"$rc\" > \"$d/exit.tmp\" && mv \"$d/exit.tmp\" \"$d/exit\"\n";

  /** A word of the docker run line: a volume's host side starts with $GPUJOB_DIR, which the shell expands. */
  private static String runWord(String word) {
    if (word.startsWith(EcsVolumes.HOST_DIR)) {
      return "\"" + EcsVolumes.HOST_DIR + "\"" + quote(word.substring(EcsVolumes.HOST_DIR.length()));
    }
    return quote(word);
  }

  /** The script as RunInstances takes it: Base64. */
  static String encoded(String script) {
    return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Cloud Assistant script that prints the container's last {@code lines} log lines (or the setup log while
   * there is no container), then {@value #EXIT_MARKER} and the exit code once there is one.
   */
  static String statusCommand(int lines) {
    return "D=\"${GPUJOB_DIR:-" + DEFAULT_DIR + "}\"\n"
        + "if [ -e \"$D/exit\" ] || docker inspect " + CONTAINER + " >/dev/null 2>&1; then\n"
        + "  docker logs --tail " + lines + " " + CONTAINER + " 2>&1 || tail -n " + lines + " \"$D/setup.log\"\n"
        + "else\n"
        + "  tail -n " + lines + " \"$D/setup.log\" 2>/dev/null\n"
        + "fi\n"
        + "echo \"" + EXIT_MARKER + "$(cat \"$D/exit\" 2>/dev/null)\"\n";
  }

  /** What {@link #statusCommand} printed. */
  record Status(String logTail, Integer exitCode, boolean marked) {}

  /**
   * Reads the output of {@link #statusCommand}: the lines before the last marker are the log tail, the marker's
   * value the exit code (null while running). {@code marked} is false when the output has no marker at all (the
   * script did not get that far, or the output was cut).
   */
  static Status parse(String output) {
    if (output == null) {
      return new Status(null, null, false);
    }
    int at = output.lastIndexOf(EXIT_MARKER);
    if (at < 0) {
      return new Status(output, null, false);
    }
    String tail = output.substring(0, at);
    String value = output.substring(at + EXIT_MARKER.length()).strip();
    Integer exit = null;
    if (value.matches("-?\\d{1,9}")) {
      exit = Integer.parseInt(value);
    }
    return new Status(tail.endsWith("\n") ? tail.substring(0, tail.length() - 1) : tail, exit, true);
  }

  /** {@code value} in single quotes for bash. */
  static String quote(String value) {
    if (value.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static String safeComment(String text) {
    return text.replaceAll("[^A-Za-z0-9_./-]", "_");
  }
}
