package io.gpucompute.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gpucompute.provider.kubernetes.LocalContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the scheduler and a kubelet on a real control plane that has neither, for the pods of one namespace.
 * It registers one GPU node ({@link KubeletNode}, address 127.0.0.1) and, for each pod of its namespace:
 * <ul>
 *   <li>as the <b>scheduler</b>: binds a pod that has no node yet to its node (the {@code bindings} API) when the
 *       pod's nodeSelector matches the node's labels, or reports {@code PodScheduled=False, reason Unschedulable} as
 *       the scheduler does when no node fits (taints and resource requests are not checked);</li>
 *   <li>as the <b>kubelet</b>: runs each container of a pod bound to its node as a local process
 *       ({@link LocalContainer}: command and args, environment resolved through the API, the image ignored), and
 *       writes the pod's status through the status subresource: Running with the containers running, then
 *       Succeeded or Failed with each container terminated with its process's real exit code. When the pod is
 *       deleted it kills the processes and removes the pod (a deletion with grace period 0, as a kubelet finishes
 *       one). It serves the containers' output at {@code https://127.0.0.1:<port>/containerLogs/...}
 *       ({@link ContainerLogServer}), which is the port the Node publishes, so {@code pods/log} works through the
 *       real API server.</li>
 * </ul>
 * The real job controller and garbage collector of kube-controller-manager do the rest. It keeps to one namespace so
 * that it never takes up the pods of other tests on the same control plane. {@link #close()} kills every process,
 * stops the log server and deletes the Node.
 */
public final class LoopbackKubelet implements AutoCloseable {

  /** The name of the Node it registers. */
  public static final String NODE_NAME = "gpucompute-e2e-node";

  private static final Logger log = LoggerFactory.getLogger(LoopbackKubelet.class);
  private static final String JOB_NAME_LABEL = "job-name";
  private static final long RESYNC_MILLIS = 2_000;

  /** A pod this kubelet runs: its containers, by name. */
  private record RunningPod(String namespace, String name, String jobName, Map<String, LocalContainer> containers,
      String startedAt) {

    boolean anyAlive() {
      return containers.values().stream().anyMatch(LocalContainer::isAlive);
    }

    void kill() {
      containers.values().forEach(LocalContainer::kill);
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, String> nodeLabels;
  private final Path logDir;
  private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
  /** Every change to pods happens on this one thread, in the order the events came. */
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "loopback-kubelet");
    thread.setDaemon(true);
    return thread;
  });
  private ContainerLogServer logServer;
  private KubeletNode node;
  private SharedIndexInformer<Pod> informer;

  private LoopbackKubelet(KubernetesClient client, String namespace, Map<String, String> nodeLabels, Path logDir) {
    this.client = client;
    this.namespace = namespace;
    this.nodeLabels = Map.copyOf(nodeLabels);
    this.logDir = logDir;
  }

  /**
   * Registers the node {@link #NODE_NAME} with {@code gpus} GPUs and starts taking up the pods of {@code namespace}.
   *
   * @param client an admin client of the control plane; the caller closes it after this kubelet
   * @param nodeLabels the node's labels, which pods' nodeSelectors must match
   */
  public static LoopbackKubelet start(KubernetesClient client, String namespace, Map<String, String> nodeLabels,
      int gpus) {
    LoopbackKubelet kubelet;
    try {
      kubelet = new LoopbackKubelet(client, namespace, nodeLabels, Files.createTempDirectory("loopback-kubelet"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      kubelet.logServer = ContainerLogServer.start(kubelet::logFile);
      kubelet.node = KubeletNode.register(client, NODE_NAME, nodeLabels, kubelet.logServer.port(), gpus);
      kubelet.informer = client.pods().inNamespace(namespace).inform(kubelet.handler(), RESYNC_MILLIS);
      log.info("loopback kubelet: node {} serves the pods of namespace {}; logs on https://127.0.0.1:{}", NODE_NAME,
          namespace, kubelet.logServer.port());
      return kubelet;
    } catch (IOException | RuntimeException e) {
      kubelet.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The pods (namespace/name) whose containers still run as processes. */
  public List<String> liveContainers() {
    return pods.values().stream().filter(RunningPod::anyAlive).map(p -> p.namespace() + "/" + p.name()).toList();
  }

  /** Whether a container of a pod of the Job {@code jobName} still runs as a process. */
  public boolean runsContainerOf(String jobName) {
    return pods.values().stream().anyMatch(p -> jobName.equals(p.jobName()) && p.anyAlive());
  }

  private ResourceEventHandler<Pod> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        worker.execute(() -> reconcile(pod));
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        worker.execute(() -> reconcile(pod));
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        worker.execute(() -> forget(pod));
      }
    };
  }

  private void reconcile(Pod pod) {
    try {
      String nodeName = pod.getSpec().getNodeName();
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        if (NODE_NAME.equals(nodeName)) {
          forget(pod);
          client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
              .withGracePeriod(0).delete();
        }
      } else if (nodeName == null) {
        schedule(pod);
      } else if (NODE_NAME.equals(nodeName) && !pods.containsKey(key(pod)) && !terminal(pod)) {
        run(pod);
      }
    } catch (KubernetesClientException e) {
      // The next event or resync retries.
      log.debug("loopback kubelet: pod {}: {}", key(pod), e.getMessage());
    } catch (RuntimeException e) {
      log.warn("loopback kubelet: pod {} failed", key(pod), e);
    }
  }

  /** The scheduler: bind the pod to the node if it fits, else say why not (once). */
  private void schedule(Pod pod) {
    Map<String, String> selector = pod.getSpec().getNodeSelector() == null ? Map.of() : pod.getSpec().getNodeSelector();
    if (nodeLabels.entrySet().containsAll(selector.entrySet())) {
      Binding binding = new BindingBuilder().withNewMetadata().withName(pod.getMetadata().getName())
          .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
          .withNewTarget().withApiVersion("v1").withKind("Node").withName(NODE_NAME).endTarget().build();
      client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(binding).create();
      return;
    }
    boolean reported = pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus()
        .getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()));
    if (!reported) {
      PodCondition unschedulable = new PodConditionBuilder().withType("PodScheduled").withStatus("False")
          .withReason("Unschedulable").withLastTransitionTime(now())
          .withMessage("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.").build();
      editStatus(pod, status -> new PodStatusBuilder(status).withPhase("Pending")
          .withConditions(List.of(unschedulable)).build());
    }
  }

  /** The kubelet: start the containers, report them running, and report each end. */
  private void run(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    Map<String, LocalContainer> containers = new LinkedHashMap<>();
    String startedAt = now();
    try {
      for (Container container : pod.getSpec().getContainers()) {
        Path output = logDir.resolve(ns + "_" + pod.getMetadata().getName() + "_" + container.getName() + ".log");
        containers.put(container.getName(), LocalContainer.start(client, ns, container, output));
      }
    } catch (IOException | IllegalStateException e) {
      containers.values().forEach(LocalContainer::kill);
      log.warn("loopback kubelet: cannot start pod {}: {}", key(pod), e.getMessage());
      editStatus(pod, status -> new PodStatusBuilder(status).withPhase("Pending").withContainerStatuses(
          pod.getSpec().getContainers().stream().map(c -> new ContainerStatusBuilder().withName(c.getName())
              .withImage(c.getImage()).withImageID("").withReady(false).withRestartCount(0).withStarted(false)
              .withNewState().withNewWaiting().withReason("CreateContainerConfigError").withMessage(e.getMessage())
              .endWaiting().endState().build()).toList()).build());
      return;
    }
    RunningPod running = new RunningPod(ns, pod.getMetadata().getName(),
        pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(JOB_NAME_LABEL), containers,
        startedAt);
    pods.put(key(pod), running);
    editStatus(pod, status -> statusOf(pod, running, status));
    containers.values().forEach(c -> c.onExit().thenRun(() -> worker.execute(() -> reportExit(pod, running))));
  }

  private void reportExit(Pod pod, RunningPod running) {
    if (pods.get(key(pod)) != running) {
      return; // deleted meanwhile
    }
    try {
      editStatus(pod, status -> statusOf(pod, running, status));
    } catch (KubernetesClientException e) {
      log.debug("loopback kubelet: pod {} ended, but its status could not be written: {}", key(pod), e.getMessage());
    }
  }

  /** The pod's status now: Running while a container runs; Succeeded when all exited 0; else Failed. */
  private static PodStatus statusOf(Pod pod, RunningPod running, PodStatus current) {
    String now = now();
    List<ContainerStatus> statuses = new ArrayList<>();
    boolean allEnded = true;
    boolean allZero = true;
    for (Container container : pod.getSpec().getContainers()) {
      LocalContainer local = running.containers().get(container.getName());
      var status = new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
          .withImageID("").withRestartCount(0)
          .withContainerID("loopback://" + running.name() + "/" + container.getName());
      if (local.isAlive()) {
        allEnded = false;
        status.withReady(true).withStarted(true).withNewState().withNewRunning().withStartedAt(running.startedAt())
            .endRunning().endState();
      } else {
        int exitCode = local.exitCode();
        allZero &= exitCode == 0;
        status.withReady(false).withStarted(false).withNewState().withNewTerminated().withExitCode(exitCode)
            .withReason(exitCode == 0 ? "Completed" : "Error").withStartedAt(running.startedAt()).withFinishedAt(now)
            .endTerminated().endState();
      }
      statuses.add(status.build());
    }
    String phase = !allEnded ? "Running" : allZero ? "Succeeded" : "Failed";
    String ready = allEnded ? "False" : "True";
    List<PodCondition> conditions = new ArrayList<>();
    if (current != null && current.getConditions() != null) {
      current.getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).forEach(conditions::add);
    }
    for (String type : List.of("Initialized", "ContainersReady", "Ready")) {
      conditions.add(new PodConditionBuilder().withType(type).withStatus("Initialized".equals(type) ? "True" : ready)
          .withLastTransitionTime(now).build());
    }
    return new PodStatusBuilder(current == null ? new PodStatus() : current).withPhase(phase).withHostIP("127.0.0.1")
        .withStartTime(running.startedAt()).withConditions(conditions).withContainerStatuses(statuses).build();
  }

  /**
   * Writes {@code change} of the pod's current status through the status subresource, as a merge patch without a
   * resourceVersion (the controllers may change the pod at the same time, and the kubelet owns its status).
   */
  private void editStatus(Pod pod, UnaryOperator<PodStatus> change) {
    var resource = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
    Pod current = resource.get();
    if (current == null) {
      return;
    }
    Pod statusOnly = new PodBuilder().withNewMetadata().withName(pod.getMetadata().getName())
        .withNamespace(pod.getMetadata().getNamespace()).endMetadata().withStatus(change.apply(current.getStatus()))
        .build();
    resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), statusOnly);
  }

  /** The pod is gone or going: its containers are killed. */
  private void forget(Pod pod) {
    RunningPod running = pods.remove(key(pod));
    if (running != null) {
      running.kill();
    }
  }

  private Optional<Path> logFile(String ns, String pod, String container) {
    RunningPod running = pods.get(ns + "/" + pod);
    return running == null || !running.containers().containsKey(container) ? Optional.empty()
        : Optional.of(running.containers().get(container).log());
  }

  private static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pods.values().forEach(RunningPod::kill);
    pods.clear();
    if (logServer != null) {
      logServer.close();
    }
    if (node != null) {
      node.close();
    }
    try (var files = Files.list(logDir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(logDir);
    } catch (IOException e) {
      log.debug("loopback kubelet: could not delete {}: {}", logDir, e.getMessage());
    }
  }
}
