package io.gpucompute.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Node a {@link LoopbackKubelet} registers, as a kubelet registers its own: capacity and allocatable of
 * {@code nvidia.com/gpu}, cpu, memory and pods; condition Ready; one address, {@code InternalIP 127.0.0.1}, and the
 * kubelet endpoint port, which is where the API server sends {@code pods/log} requests. Its heartbeat is the node
 * Lease in {@code kube-node-lease}, renewed every {@link #HEARTBEAT_SECONDS} seconds, so the node lifecycle
 * controller never marks the node unreachable (and never evicts its pods). {@link #close()} deletes the Node and its
 * Lease.
 */
final class KubeletNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubeletNode.class);
  private static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final int LEASE_SECONDS = 40;
  private static final int HEARTBEAT_SECONDS = 10;

  private final KubernetesClient client;
  private final String name;
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "loopback-kubelet-heartbeat");
    thread.setDaemon(true);
    return thread;
  });

  private KubeletNode(KubernetesClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /**
   * Registers Node {@code name} (replacing one left behind by an earlier run) and starts its heartbeat.
   *
   * @param labels the Node's labels, which pods' nodeSelectors are matched against
   * @param kubeletPort the port of the kubelet's HTTPS endpoint on 127.0.0.1
   * @param gpus how many {@code nvidia.com/gpu} it has
   */
  static KubeletNode register(KubernetesClient client, String name, Map<String, String> labels, int kubeletPort,
      int gpus) {
    client.nodes().withName(name).withGracePeriod(0).delete();
    Node node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec().endSpec().withStatus(status(kubeletPort, gpus)).build();
    client.nodes().resource(node).create();
    // Node creation may drop the status; a kubelet sets it through the status subresource as well. A merge patch
    // without a resourceVersion: the node lifecycle controller changes the new Node at the same time (taints).
    Node statusOnly = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withStatus(status(kubeletPort, gpus)).build();
    client.nodes().withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), statusOnly);
    KubeletNode registered = new KubeletNode(client, name);
    registered.renewLease();
    registered.heartbeat.scheduleWithFixedDelay(registered::renewLease, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS,
        TimeUnit.SECONDS);
    return registered;
  }

  String name() {
    return name;
  }

  private static NodeStatus status(int kubeletPort, int gpus) {
    Map<String, Quantity> resources = Map.of("nvidia.com/gpu", new Quantity(Integer.toString(gpus)),
        "cpu", new Quantity("64"), "memory", new Quantity("512Gi"), "pods", new Quantity("110"),
        "ephemeral-storage", new Quantity("1Ti"));
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return new NodeStatusBuilder().withCapacity(resources).withAllocatable(resources)
        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
        .withMessage("loopback kubelet stand-in is posting ready status").withLastHeartbeatTime(now)
        .withLastTransitionTime(now).endCondition()
        .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(kubeletPort).endKubeletEndpoint()
        .endDaemonEndpoints()
        .withNewNodeInfo().withArchitecture("amd64").withOperatingSystem("linux").withBootID("")
        .withContainerRuntimeVersion("loopback://0").withKernelVersion("").withKubeProxyVersion("")
        .withKubeletVersion("v1.20.2").withMachineID("").withOsImage("loopback").withSystemUUID("").endNodeInfo()
        .build();
  }

  private void renewLease() {
    try {
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      Lease lease = new LeaseBuilder().withNewMetadata().withName(name).withNamespace(LEASE_NAMESPACE).endMetadata()
          .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(LEASE_SECONDS).withRenewTime(now)
          .endSpec().build();
      client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).createOr(existing -> existing.edit(l -> {
        l.getSpec().setRenewTime(now);
        return l;
      }));
    } catch (KubernetesClientException e) {
      log.warn("could not renew the Lease of node {}: {}", name, e.getMessage());
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    client.leases().inNamespace(LEASE_NAMESPACE).withName(name).delete();
    client.nodes().withName(name).withGracePeriod(0).delete();
  }
}
