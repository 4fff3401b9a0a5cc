package io.gpucompute.e2e;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pod's only container as {@code podman run} arguments, the way a kubelet would run it: image, command and args,
 * env (with the pod's name and namespace for their fieldRefs), user and group, fsGroup, a read-only root file system,
 * dropped capabilities, no privilege escalation, the emptyDir volumes (as tmpfs), the resource limits, and the
 * ServiceAccount's token, CA and namespace at the in-cluster path, with {@code KUBERNETES_SERVICE_HOST/PORT} pointing
 * at the API server. Anything it cannot translate fails, so a chart change that this does not honour shows.
 */
final class PodmanRun {

  static final String SERVICE_ACCOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

  private PodmanRun() {}

  /**
   * The arguments after {@code podman run} for {@code pod}, run as pod {@code podName} in {@code namespace}, with
   * {@code serviceAccountDir} (token, ca.crt, namespace) mounted and the API server at {@code apiHost:apiPort}.
   */
  static List<String> arguments(PodSpec pod, String podName, String namespace, Path serviceAccountDir, String apiHost,
      int apiPort) {
    if (pod.getContainers().size() != 1 || (pod.getInitContainers() != null && !pod.getInitContainers().isEmpty())) {
      throw new IllegalArgumentException("expected one container and no init container");
    }
    Container container = pod.getContainers().get(0);
    List<String> args = new ArrayList<>(List.of("--name", podName, "--hostname", podName));
    security(pod.getSecurityContext(), container.getSecurityContext(), args);
    env(container, podName, namespace, args);
    args.addAll(List.of("--env", "KUBERNETES_SERVICE_HOST=" + apiHost, "--env", "KUBERNETES_SERVICE_PORT=" + apiPort));
    volumes(pod, container, args);
    if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
      args.addAll(List.of("--volume", serviceAccountDir + ":" + SERVICE_ACCOUNT_PATH + ":ro"));
    }
    limits(container, args);
    if (container.getCommand() != null && !container.getCommand().isEmpty()) {
      args.addAll(List.of("--entrypoint", container.getCommand().get(0)));
    }
    args.add(container.getImage());
    if (container.getCommand() != null && container.getCommand().size() > 1) {
      args.addAll(container.getCommand().subList(1, container.getCommand().size()));
    }
    if (container.getArgs() != null) {
      args.addAll(container.getArgs());
    }
    return args;
  }

  private static void security(PodSecurityContext pod, SecurityContext container, List<String> args) {
    PodSecurityContext p = pod == null ? new PodSecurityContext() : pod;
    SecurityContext c = container == null ? new SecurityContext() : container;
    Long user = first(c.getRunAsUser(), p.getRunAsUser());
    Long group = first(c.getRunAsGroup(), p.getRunAsGroup());
    boolean nonRoot = Boolean.TRUE.equals(first(c.getRunAsNonRoot(), p.getRunAsNonRoot()));
    if (nonRoot && (user == null || user == 0)) {
      throw new IllegalArgumentException("runAsNonRoot without a non-root runAsUser: the image's user would decide");
    }
    if (user != null) {
      args.addAll(List.of("--user", user + (group == null ? "" : ":" + group)));
    }
    if (p.getFsGroup() != null) {
      args.addAll(List.of("--group-add", p.getFsGroup().toString()));
    }
    if (Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) {
      // Only the pod's volumes are writable: no tmpfs of podman's own on /tmp, /run and /var/tmp.
      args.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    if (Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
      args.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    if (Boolean.TRUE.equals(c.getPrivileged())) {
      throw new IllegalArgumentException("privileged containers are not expected");
    }
    Capabilities capabilities = c.getCapabilities();
    if (capabilities != null) {
      Optional.ofNullable(capabilities.getDrop()).orElse(List.of()).forEach(cap -> args.add("--cap-drop=" + cap));
      Optional.ofNullable(capabilities.getAdd()).orElse(List.of()).forEach(cap -> args.add("--cap-add=" + cap));
    }
    // seccompProfile RuntimeDefault: podman's default profile.
  }

  private static void env(Container container, String podName, String namespace, List<String> args) {
    Map<String, String> fields = Map.of("metadata.name", podName, "metadata.namespace", namespace);
    for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      String value;
      if (var.getValueFrom() == null) {
        value = Objects.requireNonNullElse(var.getValue(), "");
      } else if (var.getValueFrom().getFieldRef() != null
          && fields.containsKey(var.getValueFrom().getFieldRef().getFieldPath())) {
        value = fields.get(var.getValueFrom().getFieldRef().getFieldPath());
      } else {
        throw new IllegalArgumentException("cannot resolve env " + var.getName() + ": " + var.getValueFrom());
      }
      args.addAll(List.of("--env", var.getName() + "=" + value));
    }
    if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
      throw new IllegalArgumentException("envFrom is not expected");
    }
  }

  private static void volumes(PodSpec pod, Container container, List<String> args) {
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no volume " + mount.getName()));
      if (volume.getEmptyDir() == null) {
        throw new IllegalArgumentException("volume " + volume.getName() + " is not an emptyDir: translate it here");
      }
      args.addAll(List.of("--mount", "type=tmpfs,destination=" + mount.getMountPath() + ",tmpfs-mode=1777"));
    }
  }

  private static void limits(Container container, List<String> args) {
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return;
    }
    Map<String, Quantity> limits = container.getResources().getLimits();
    if (limits.containsKey("memory")) {
      args.addAll(List.of("--memory", Quantity.getAmountInBytes(limits.get("memory")).toBigInteger() + "b"));
    }
    if (limits.containsKey("cpu")) {
      args.addAll(List.of("--cpus", Quantity.getAmountInBytes(limits.get("cpu")).toPlainString()));
    }
  }

  private static <T> T first(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }
}
