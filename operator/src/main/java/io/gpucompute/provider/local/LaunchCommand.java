package io.gpucompute.provider.local;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The process the Local provider starts for a workload: the job's argv and the variables the job gets besides
 * {@code PATH} and {@code HOME}. Pure: it only builds values; {@link WorkloadLauncher} starts it.
 *
 * <p>The job's argv is never interpreted by a shell: it is handed as {@code "$@"} to a tiny {@code /bin/sh} wrapper
 * that runs it with {@code exec} in a subshell (so not even a shell builtin such as {@code exit} is run as one),
 * then writes its exit code atomically to {@code exit-code} in the working directory (the workload directory). The
 * wrapper runs under {@code setsid}: a new session and process group, which outlives an operator restart and can be
 * signalled as a whole.
 *
 * <p>Two shapes: {@link #argv()} runs the job as the operator's user, with {@link #environment()} in its process
 * environment. {@link #argvAs} runs it as another user: the wrapper (the operator's user, with nothing but
 * {@code PATH} and {@code HOME}) enters the job's own directory and runs {@code setpriv} to drop to that user, and only
 * then does a shell of that user load the variables from a file ({@link #environmentFile()}). So the job's variables
 * never reach a process of the operator's user (an {@code LD_PRELOAD} there would run as that user), and never a
 * command line (which every user can read in {@code /proc}).
 *
 * @param jobArgv the job's command and args
 * @param environment the job's env, then the GPUs and the job's identity, which win over any of the same name
 * @param mvCommand the absolute path of {@code mv}, for the wrapper's atomic exit-code write
 */
record LaunchCommand(List<String> jobArgv, Map<String, String> environment, String mvCommand) {

  /** The wrapper's {@code $0}, which shows in {@code ps} and in its own error messages. */
  static final String WRAPPER_NAME = "gpucompute-workload";
  /** The {@code $0} of the shell that loads the variables as the job's user. */
  static final String LOADER_NAME = "gpucompute-env";

  /**
   * The wrapper script. {@code $1} is the absolute path of {@code mv} (resolved from the operator's PATH, since the
   * job's env may change PATH), {@code $2} the directory the job runs in, the rest is what to run.
   */
  static final String WRAPPER_SCRIPT = String.join("\n",
      "mv_command=$1",
      "job_dir=$2",
      "shift 2",
      "( cd \"$job_dir\" && exec \"$@\" )",
      "code=$?",
      "printf '%s\\n' \"$code\" > exit-code.tmp && \"$mv_command\" -f exit-code.tmp exit-code");

  /**
   * Run by the job's user: loads the variables from the file {@code $1} (exported), deletes the file (it holds the
   * job's secret values), then runs the job's argv.
   */
  static final String LOADER_SCRIPT =
      "set -a && . \"$1\" && set +a && { rm -f -- \"$1\" || :; } && shift && exec \"$@\"";

  private static final Pattern SHELL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  LaunchCommand {
    jobArgv = List.copyOf(jobArgv);
    environment = Map.copyOf(environment);
  }

  /**
   * The command for {@code spec} on {@code devices}.
   *
   * @param mvCommand the absolute path of {@code mv}
   * @throws ProviderException.InvalidRequest as {@link #check} does
   */
  static LaunchCommand forWorkload(WorkloadSpec spec, List<GpuDevice> devices, String mvCommand)
      throws ProviderException.InvalidRequest {
    check(spec);
    Map<String, String> environment = new LinkedHashMap<>(spec.env());
    environment.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices(devices));
    environment.put("GPUCOMPUTE_JOB_NAMESPACE", spec.key().namespace());
    environment.put("GPUCOMPUTE_JOB_NAME", spec.key().name());
    environment.put("GPUCOMPUTE_JOB_ATTEMPT", Integer.toString(spec.key().attempt()));
    return new LaunchCommand(spec.argv(), environment, mvCommand);
  }

  /** The argv that runs the job as the operator's user, in the workload directory. */
  List<String> argv() {
    List<String> argv = wrapper(".");
    argv.addAll(jobArgv);
    return argv;
  }

  /**
   * The argv that runs the job as {@code user}: in {@code jobDir}, with its variables from {@code environmentFile}.
   *
   * @param setpriv the absolute path of util-linux's {@code setpriv}
   */
  List<String> argvAs(WorkloadUser user, String setpriv, String jobDir, String environmentFile) {
    List<String> argv = wrapper(jobDir);
    argv.addAll(List.of(setpriv, "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups",
        "--no-new-privs", "--", "/bin/sh", "-c", LOADER_SCRIPT, LOADER_NAME, environmentFile));
    argv.addAll(jobArgv);
    return argv;
  }

  /**
   * {@link #environment()} as the lines of a file for {@code .} in {@code /bin/sh}: {@code NAME='value'}, each value
   * single-quoted. {@link #check} has made sure every name is a shell variable name.
   */
  String environmentFile() {
    StringBuilder file = new StringBuilder();
    new TreeMap<>(environment).forEach((name, value) ->
        file.append(name).append("='").append(value.replace("'", "'\\''")).append("'\n"));
    return file.toString();
  }

  /**
   * Checks that the Local provider can run {@code spec} at all.
   *
   * @throws ProviderException.InvalidRequest {@code CommandRequired} without a command, {@code InvalidEnv} for an
   *     environment variable whose name is no shell variable name (as the API's own pattern requires) or whose value
   *     holds a NUL character
   */
  static void check(WorkloadSpec spec) throws ProviderException.InvalidRequest {
    List<String> jobArgv = spec.argv();
    if (jobArgv.isEmpty() || jobArgv.get(0).isBlank()) {
      throw new ProviderException.InvalidRequest("CommandRequired",
          "the Local provider runs the command on the host; set spec.command");
    }
    for (Map.Entry<String, String> variable : spec.env().entrySet()) {
      if (!isValidName(variable.getKey()) || variable.getValue() == null || variable.getValue().indexOf('\0') >= 0) {
        // Name the variable, never its value.
        throw new ProviderException.InvalidRequest("InvalidEnv",
            "the environment variable '" + variable.getKey().replace("\0", "\\0") + "' cannot be set on a process: "
                + "its name must be letters, digits and '_' (not starting with a digit) and its value must not "
                + "contain a NUL character");
      }
    }
  }

  /** {@code CUDA_VISIBLE_DEVICES}: UUIDs for GPUs nvidia-smi reported, indexes for declared ones. */
  static String cudaVisibleDevices(List<GpuDevice> devices) {
    return devices.stream().map(GpuDevice::visibleId).collect(Collectors.joining(","));
  }

  private List<String> wrapper(String jobDir) {
    return new ArrayList<>(List.of("setsid", "/bin/sh", "-c", WRAPPER_SCRIPT, WRAPPER_NAME, mvCommand, jobDir));
  }

  private static boolean isValidName(String name) {
    return name != null && SHELL_NAME.matcher(name).matches();
  }

  /** Never prints environment values, which may be secrets. */
  @Override
  public String toString() {
    return "LaunchCommand[argv=" + jobArgv + ", environment=" + environment.keySet() + "]";
  }
}
