package io.gpucompute.provider.local;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The process the Local provider starts for a workload: the argv and the environment added to the operator's own.
 * Pure: it only builds values.
 *
 * <p>The job's argv is never interpreted by a shell: it is handed as {@code "$@"} to a tiny {@code /bin/sh} wrapper
 * that runs it with {@code exec} in a subshell (so not even a shell builtin such as {@code exit} is run as one),
 * then writes its exit code atomically to {@code exit-code} in the working directory (the workload directory). The
 * wrapper runs under {@code setsid}: a new session and process group, which outlives an operator restart and can be
 * signalled as a whole.
 *
 * @param argv the argv to start
 * @param environment the variables set on top of the operator's environment
 */
record LaunchCommand(List<String> argv, Map<String, String> environment) {

  /** The wrapper's {@code $0}, which shows in {@code ps} and in its own error messages. */
  static final String WRAPPER_NAME = "gpucompute-workload";

  /**
   * The wrapper script. {@code $1} is the absolute path of {@code mv} (resolved from the operator's PATH, since the
   * job's env may change PATH), the rest is the job's argv.
   */
  static final String WRAPPER_SCRIPT = String.join("\n",
      "mv_command=$1",
      "shift",
      "( exec \"$@\" )",
      "code=$?",
      "printf '%s\\n' \"$code\" > exit-code.tmp && \"$mv_command\" -f exit-code.tmp exit-code");

  LaunchCommand {
    argv = List.copyOf(argv);
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
    List<String> argv = new ArrayList<>(List.of("setsid", "/bin/sh", "-c", WRAPPER_SCRIPT, WRAPPER_NAME, mvCommand));
    argv.addAll(spec.argv());

    Map<String, String> environment = new LinkedHashMap<>(spec.env());
    environment.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices(devices));
    environment.put("GPUCOMPUTE_JOB_NAMESPACE", spec.key().namespace());
    environment.put("GPUCOMPUTE_JOB_NAME", spec.key().name());
    environment.put("GPUCOMPUTE_JOB_ATTEMPT", Integer.toString(spec.key().attempt()));
    return new LaunchCommand(argv, environment);
  }

  /**
   * Checks that the Local provider can run {@code spec} at all.
   *
   * @throws ProviderException.InvalidRequest {@code CommandRequired} without a command, {@code InvalidEnv} for an
   *     environment variable no process can have
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
                + "its name must be non-empty without '=' and its value must not contain a NUL character");
      }
    }
  }

  /** {@code CUDA_VISIBLE_DEVICES}: UUIDs for GPUs nvidia-smi reported, indexes for declared ones. */
  static String cudaVisibleDevices(List<GpuDevice> devices) {
    return devices.stream().map(GpuDevice::visibleId).collect(Collectors.joining(","));
  }

  private static boolean isValidName(String name) {
    return name != null && !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0;
  }

  /** Never prints environment values, which may be secrets. */
  @Override
  public String toString() {
    return "LaunchCommand[argv=" + argv + ", environment=" + environment.keySet() + "]";
  }
}
