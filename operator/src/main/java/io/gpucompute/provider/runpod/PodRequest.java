package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code PodFindAndDeployOnDemandInput} of one workload, checked before anything is sent. Pure.
 *
 * @param input the mutation's input variable
 * @param gpuType the table row of the job's GPU type
 */
record PodRequest(ObjectNode input, RunPodGpuTypes.GpuType gpuType) {

  /** RunPod's documented limit of environment variables per pod. */
  static final int MAX_ENV = 50;
  static final String VOLUME_MOUNT_PATH = "/workspace";

  /** The pod settings of one ProviderConfig. */
  record PodSettings(CloudType cloudType, int containerDiskGiB, int volumeGiB, String markerDir) {
    static final int DEFAULT_CONTAINER_DISK_GIB = 20;

    static PodSettings of(io.gpucompute.api.v1alpha1.RunPodProviderSpec spec, RunPodSettings settings) {
      CloudType cloud = spec.getCloudType() == null ? CloudType.SECURE : spec.getCloudType();
      int disk = spec.getContainerDiskGiB() == null ? DEFAULT_CONTAINER_DISK_GIB : spec.getContainerDiskGiB();
      int volume = spec.getVolumeGiB() == null ? 0 : spec.getVolumeGiB();
      String markerDir = settings.markerDir() != null ? settings.markerDir()
          : volume > 0 ? VOLUME_MOUNT_PATH + "/.gpucompute" : "/tmp/.gpucompute";
      return new PodSettings(cloud, disk, volume, markerDir);
    }
  }

  /**
   * Checks {@code spec} and builds its input.
   *
   * @throws ProviderException.InvalidRequest when the workload can never run as a RunPod pod
   */
  static PodRequest of(WorkloadSpec spec, PodSettings settings) throws ProviderException.InvalidRequest {
    RunPodGpuTypes.GpuType gpu = RunPodGpuTypes.require(spec.gpu().type());
    if (spec.gpu().memoryGiB() != null && spec.gpu().memoryGiB() > gpu.memoryGiB()) {
      throw new ProviderException.InvalidRequest("InsufficientGpuMemory", spec.gpu().type() + " (" + gpu.runPodId()
          + ") has " + gpu.memoryGiB() + " GiB per GPU, less than spec.gpu.memoryGiB " + spec.gpu().memoryGiB());
    }
    if (spec.image() == null || spec.image().isBlank()) {
      throw new ProviderException.InvalidRequest("ImageRequired", "a RunPod pod needs spec.image");
    }
    List<String> argv = spec.argv();
    if (argv.isEmpty() || argv.get(0).isBlank()) {
      throw new ProviderException.InvalidRequest("CommandRequired", "RunPod runs jobs once by wrapping their command, "
          + "and it cannot see an image's default command: set spec.command");
    }
    for (String arg : argv) {
      if (arg.indexOf('\0') >= 0) {
        throw new ProviderException.InvalidRequest("InvalidCommand", "the command or an argument holds a NUL character");
      }
    }
    Map<String, String> env = new TreeMap<>(spec.env());
    checkEnv(env, spec.installation() == null ? 1 : 2);

    ObjectNode input = Json.MAPPER.createObjectNode();
    input.put("name", spec.key().workloadName());
    input.put("imageName", spec.image());
    input.put("gpuTypeId", gpu.runPodId());
    input.put("gpuCount", spec.gpu().count());
    input.put("cloudType", settings.cloudType().name());
    Integer disk = spec.compute().diskGiB();
    input.put("containerDiskInGb", disk != null ? disk : settings.containerDiskGiB());
    input.put("volumeInGb", settings.volumeGiB());
    if (settings.volumeGiB() > 0) {
      input.put("volumeMountPath", VOLUME_MOUNT_PATH);
    }
    if (spec.compute().cpu() != null) {
      input.put("minVcpuCount", spec.compute().cpu());
    }
    if (spec.compute().memoryGiB() != null) {
      input.put("minMemoryInGb", spec.compute().memoryGiB());
    }
    input.put("dockerArgs", RunOnce.DOCKER_ARGS);
    ArrayNode variables = input.putArray("env");
    env.forEach((name, value) -> variables.addObject().put("key", name).put("value", value));
    variables.addObject().put("key", RunOnce.SCRIPT_VARIABLE)
        .put("value", RunOnce.script(spec.key(), argv, settings.markerDir()));
    if (spec.installation() != null) {
      variables.addObject().put("key", RunOnce.INSTALLATION_VARIABLE).put("value", spec.installation());
    }
    return new PodRequest(input, gpu);
  }

  /** @param reserved how many variables the operator adds */
  private static void checkEnv(Map<String, String> env, int reserved) throws ProviderException.InvalidRequest {
    if (env.size() + reserved > MAX_ENV) {
      throw new ProviderException.InvalidRequest("TooManyEnvVars", "RunPod allows " + MAX_ENV + " environment "
          + "variables per pod and the operator needs " + reserved + " (" + RunOnce.SCRIPT_VARIABLE
          + (reserved > 1 ? ", " + RunOnce.INSTALLATION_VARIABLE : "") + "); the job has " + env.size());
    }
    for (Map.Entry<String, String> variable : env.entrySet()) {
      String name = variable.getKey();
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new ProviderException.InvalidRequest("InvalidEnv", "environment variable '" + name.replace("\0", "\\0")
            + "' has no name, or a name with '=' or NUL");
      }
      if (name.equals(RunOnce.SCRIPT_VARIABLE) || name.equals(RunOnce.INSTALLATION_VARIABLE)) {
        throw new ProviderException.InvalidRequest("InvalidEnv", "environment variable " + name + " is reserved: it "
            + "carries the operator's run-once wrapper or its installation id");
      }
      if (variable.getValue().indexOf('\0') >= 0) {
        throw new ProviderException.InvalidRequest("InvalidEnv", "the value of environment variable " + name
            + " holds a NUL character");
      }
    }
  }
}
