package io.gpucompute.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a provider needs to run one attempt of a job.
 *
 * @param key the attempt's identity
 * @param image the container image
 * @param command the entrypoint argv (may be empty for the image's default)
 * @param args arguments appended to the command
 * @param env environment variables, secret values already resolved: never log them ({@link #toString} hides them)
 * @param gpu the GPUs needed
 * @param compute CPU, memory and disk needed besides the GPUs
 * @param activeDeadline how long the workload may run, or null for no limit (the operator enforces it too)
 * @param installation the id of the operator installation that creates the workload (the uid of the cluster's
 *     {@code kube-system} namespace), which adapters tag it with so that the orphan sweep of another installation
 *     sharing the account never touches it; null leaves it untagged (tests)
 * @param pullSecrets the job's pull secrets, resolved: they hold passwords, never log them ({@link #toString} names
 *     the Secrets only)
 * @param volumes the job's volumes
 * @param logUpload where the attempt uploads its whole output, or null when its ProviderConfig has no log archive
 * @param spot whether and how the attempt runs on spot (interruptible) capacity; null for on-demand capacity
 */
public record WorkloadSpec(
    WorkloadKey key,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    GpuDemand gpu,
    ComputeDemand compute,
    Duration activeDeadline,
    String installation,
    List<PullSecret> pullSecrets,
    List<WorkloadVolume> volumes,
    LogUpload logUpload,
    SpotRequest spot) {

  public WorkloadSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(gpu, "gpu");
    command = List.copyOf(command == null ? List.of() : command);
    args = List.copyOf(args == null ? List.of() : args);
    env = Map.copyOf(env == null ? Map.of() : env);
    compute = compute == null ? ComputeDemand.NONE : compute;
    pullSecrets = List.copyOf(pullSecrets == null ? List.of() : pullSecrets);
    volumes = List.copyOf(volumes == null ? List.of() : volumes);
  }

  /** An on-demand spec without pull secrets, volumes or log upload. */
  public WorkloadSpec(WorkloadKey key, String image, List<String> command, List<String> args, Map<String, String> env,
      GpuDemand gpu, ComputeDemand compute, Duration activeDeadline, String installation) {
    this(key, image, command, args, env, gpu, compute, activeDeadline, installation, null, null, null, null);
  }

  /** A spec of no installation: its workload carries no installation tag. */
  public WorkloadSpec(WorkloadKey key, String image, List<String> command, List<String> args, Map<String, String> env,
      GpuDemand gpu, ComputeDemand compute, Duration activeDeadline) {
    this(key, image, command, args, env, gpu, compute, activeDeadline, null, null, null, null, null);
  }

  /** The same spec for {@code installation}. */
  public WorkloadSpec forInstallation(String installation) {
    return new WorkloadSpec(key, image, command, args, env, gpu, compute, activeDeadline, installation, pullSecrets,
        volumes, logUpload, spot);
  }

  /** The same spec with {@code pullSecrets}. */
  public WorkloadSpec withPullSecrets(List<PullSecret> pullSecrets) {
    return new WorkloadSpec(key, image, command, args, env, gpu, compute, activeDeadline, installation, pullSecrets,
        volumes, logUpload, spot);
  }

  /** The same spec with {@code volumes}. */
  public WorkloadSpec withVolumes(List<WorkloadVolume> volumes) {
    return new WorkloadSpec(key, image, command, args, env, gpu, compute, activeDeadline, installation, pullSecrets,
        volumes, logUpload, spot);
  }

  /** The same spec uploading its output as {@code logUpload} says (null: not at all). */
  public WorkloadSpec withLogUpload(LogUpload logUpload) {
    return new WorkloadSpec(key, image, command, args, env, gpu, compute, activeDeadline, installation, pullSecrets,
        volumes, logUpload, spot);
  }

  /** The same spec with {@code env}. */
  public WorkloadSpec withEnv(Map<String, String> env) {
    return new WorkloadSpec(key, image, command, args, env, gpu, compute, activeDeadline, installation, pullSecrets,
        volumes, logUpload, spot);
  }

  /** The same spec on spot capacity as {@code spot} says (null: on demand). */
  public WorkloadSpec withSpot(SpotRequest spot) {
    return new WorkloadSpec(key, image, command, args, env, gpu, compute, activeDeadline, installation, pullSecrets,
        volumes, logUpload, spot);
  }

  /** Whether the attempt runs on spot capacity. */
  public boolean onSpot() {
    return spot != null;
  }

  /** The full argv: command then args. */
  public List<String> argv() {
    return java.util.stream.Stream.concat(command.stream(), args.stream()).toList();
  }

  /**
   * Names the environment variables but never prints their values, names the pull secrets but never prints their
   * contents, and leaves the log upload URL out.
   */
  @Override
  public String toString() {
    return "WorkloadSpec[key=" + key + ", image=" + image + ", argv=" + argv() + ", env=" + env.keySet()
        + ", gpu=" + gpu + ", compute=" + compute + ", activeDeadline=" + activeDeadline
        + ", installation=" + installation + ", pullSecrets=" + pullSecrets + ", volumes=" + volumes
        + ", logUpload=" + logUpload + ", spot=" + spot + "]";
  }
}
