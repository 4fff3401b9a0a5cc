package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.RegistryLogin;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadVolume;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code PodFindAndDeployOnDemandInput} of one workload, checked before anything is sent. Pure.
 *
 * @param input the mutation's input variable
 * @param gpuType the table row of the job's GPU type
 * @param networkVolume the job's provider volume (a network volume id), if it has one; its id and data centre go into
 *     the input with {@link #withNetworkVolume}
 * @param login the registry login for the job's image, if it has pull secrets; its auth goes into the input with
 *     {@link #withRegistryAuth}
 */
record PodRequest(ObjectNode input, RunPodGpuTypes.GpuType gpuType, Optional<WorkloadVolume> networkVolume,
    Optional<RegistryLogin> login) {

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
    Optional<RegistryLogin> login = RegistryAuths.loginFor(spec.image(), spec.pullSecrets());
    checkEnv(env, 1 + (spec.installation() == null ? 0 : 1) + (login.isEmpty() ? 0 : 1));
    Optional<WorkloadVolume> networkVolume = checkVolumes(spec.volumes());

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
    List<String> scratch = spec.volumes().stream().filter(v -> v.source() instanceof WorkloadVolume.Scratch)
        .map(WorkloadVolume::mountPath).toList();
    variables.addObject().put("key", RunOnce.SCRIPT_VARIABLE)
        .put("value", RunOnce.script(spec.key(), argv, settings.markerDir(), scratch, spec.logUpload()));
    if (spec.installation() != null) {
      variables.addObject().put("key", RunOnce.INSTALLATION_VARIABLE).put("value", spec.installation());
    }
    return new PodRequest(input, gpu, networkVolume, login);
  }

  /**
   * The volumes a pod can have: at most one provider volume (a network volume, read-write, which RunPod mounts at its
   * mountPath), and emptyDirs (directories on the container disk).
   *
   * @throws ProviderException.InvalidRequest (VolumeNotSupported) for a claim, a read-only volume or a second network
   *     volume
   */
  private static Optional<WorkloadVolume> checkVolumes(List<WorkloadVolume> volumes)
      throws ProviderException.InvalidRequest {
    WorkloadVolume network = null;
    for (WorkloadVolume volume : volumes) {
      if (volume.source() instanceof WorkloadVolume.Claim) {
        throw volume.notSupported("a RunPod pod", "cannot mount a PersistentVolumeClaim; use a network volume "
            + "(source.provider.id) or emptyDir");
      }
      if (volume.readOnly()) {
        throw volume.notSupported("a RunPod pod", "mounts its volumes read-write only; set readOnly: false");
      }
      if (volume.source() instanceof WorkloadVolume.ProviderStorage) {
        if (network != null) {
          throw volume.notSupported("a RunPod pod", "takes one network volume, and volume " + network.name()
              + " is one already");
        }
        network = volume;
      }
    }
    return Optional.ofNullable(network);
  }

  /** This request with the network volume {@code volume} of data centre {@code dataCenterId} at its mount path. */
  PodRequest withNetworkVolume(String volumeId, String dataCenterId) {
    ObjectNode copy = input.deepCopy();
    WorkloadVolume volume = networkVolume.orElseThrow();
    copy.put("networkVolumeId", volumeId);
    copy.put("volumeMountPath", volume.mountPath());
    copy.put("volumeInGb", 0);
    if (dataCenterId != null) {
      copy.put("dataCenterId", dataCenterId);
    }
    return new PodRequest(copy, gpuType, networkVolume, login);
  }

  /** This request pulling with the registry auth {@code id} named {@code name} (which the pod's env records). */
  PodRequest withRegistryAuth(String name, String id) {
    ObjectNode copy = input.deepCopy();
    copy.put("containerRegistryAuthId", id);
    ((com.fasterxml.jackson.databind.node.ArrayNode) copy.get("env")).addObject()
        .put("key", RegistryAuths.VARIABLE).put("value", name);
    return new PodRequest(copy, gpuType, networkVolume, login);
  }

  /** @param reserved how many variables the operator adds */
  private static void checkEnv(Map<String, String> env, int reserved) throws ProviderException.InvalidRequest {
    if (env.size() + reserved > MAX_ENV) {
      throw new ProviderException.InvalidRequest("TooManyEnvVars", "RunPod allows " + MAX_ENV + " environment "
          + "variables per pod and the operator needs " + reserved + " (" + RunOnce.SCRIPT_VARIABLE
          + (reserved > 1 ? ", " + RunOnce.INSTALLATION_VARIABLE : "")
          + (reserved > 2 ? ", " + RegistryAuths.VARIABLE : "") + "); the job has " + env.size());
    }
    for (Map.Entry<String, String> variable : env.entrySet()) {
      String name = variable.getKey();
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new ProviderException.InvalidRequest("InvalidEnv", "environment variable '" + name.replace("\0", "\\0")
            + "' has no name, or a name with '=' or NUL");
      }
      if (name.equals(RunOnce.SCRIPT_VARIABLE) || name.equals(RunOnce.INSTALLATION_VARIABLE)
          || name.equals(RegistryAuths.VARIABLE)) {
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
