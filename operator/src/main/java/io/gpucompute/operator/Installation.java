package io.gpucompute.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The id of this operator installation: the uid of the cluster's {@code kube-system} namespace, stable for the life of
 * the cluster and different in every other. Every workload is tagged with it, so two installations that share one
 * cloud account never take each other's workloads for orphans.
 */
final class Installation {

  private static final String NAMESPACE = "kube-system";

  private Installation() {}

  static String id(KubernetesClient client) {
    Namespace namespace;
    try {
      namespace = client.namespaces().withName(NAMESPACE).get();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot read namespace " + NAMESPACE + " for this installation's id (HTTP "
          + e.getCode() + "); grant get on namespaces, or set GPUCOMPUTE_INSTALLATION_ID", e);
    }
    if (namespace == null) {
      throw new IllegalStateException("namespace " + NAMESPACE + " does not exist, so this installation has no id; "
          + "set GPUCOMPUTE_INSTALLATION_ID");
    }
    return namespace.getMetadata().getUid();
  }
}
