package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Toleration;
import io.gpucompute.api.v1alpha1.SpotNodes;
import java.util.List;
import java.util.Map;

/**
 * Where and how the Jobs of one ProviderConfig run.
 *
 * @param namespace the namespace of every Job, or null for the GpuJob's own namespace
 * @param gpuTypes the GPU types offered, each with the node labels of its nodes; empty accepts any type
 * @param gpuAnnotations pod annotations per GPU type (TKE super nodes pick the GPU by annotation); may be empty
 * @param tolerations tolerations of every pod
 * @param runtimeClassName the pods' RuntimeClass, or null
 * @param priorityClassName the pods' PriorityClass, or null
 * @param ownedByGpuJob whether a Job in the GpuJob's namespace gets an owner reference to the GpuJob (only on the
 *     cluster the GpuJob lives in)
 * @param spot the cluster's spot nodes, which spot attempts are sent to; null when it has none
 */
public record JobPlacement(
    String namespace,
    Map<String, Map<String, String>> gpuTypes,
    Map<String, Map<String, String>> gpuAnnotations,
    List<Toleration> tolerations,
    String runtimeClassName,
    String priorityClassName,
    boolean ownedByGpuJob,
    SpotNodes spot) {

  /** A placement on a cluster without spot nodes. */
  public JobPlacement(String namespace, Map<String, Map<String, String>> gpuTypes,
      Map<String, Map<String, String>> gpuAnnotations, List<Toleration> tolerations, String runtimeClassName,
      String priorityClassName, boolean ownedByGpuJob) {
    this(namespace, gpuTypes, gpuAnnotations, tolerations, runtimeClassName, priorityClassName, ownedByGpuJob, null);
  }

  public JobPlacement {
    gpuTypes = gpuTypes == null ? Map.of() : Map.copyOf(gpuTypes);
    gpuAnnotations = gpuAnnotations == null ? Map.of() : Map.copyOf(gpuAnnotations);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
  }

  /** The GPU type token as configured, matched without regard to case; null when not offered. */
  String configuredType(String type) {
    for (String known : gpuTypes.keySet()) {
      if (known.equalsIgnoreCase(type)) {
        return known;
      }
    }
    for (String known : gpuAnnotations.keySet()) {
      if (known.equalsIgnoreCase(type)) {
        return known;
      }
    }
    return null;
  }

  /** The node selector of a pod of {@code gpuType} (its configured spelling, or null), on spot nodes or not. */
  Map<String, String> nodeSelector(String gpuType, boolean onSpot) {
    Map<String, String> selector = new java.util.LinkedHashMap<>();
    if (gpuType != null) {
      selector.putAll(gpuTypes.getOrDefault(gpuType, Map.of()));
    }
    if (onSpot && spot != null && spot.getNodeSelector() != null) {
      selector.putAll(spot.getNodeSelector());
    }
    return selector;
  }

  /** The tolerations of a pod, on spot nodes or not. */
  List<Toleration> tolerations(boolean onSpot) {
    if (!onSpot || spot == null || spot.getTolerations() == null || spot.getTolerations().isEmpty()) {
      return tolerations;
    }
    List<Toleration> all = new java.util.ArrayList<>(tolerations);
    all.addAll(spot.getTolerations());
    return all;
  }

  /** Whether any GPU type is accepted (none configured). */
  boolean acceptsAnyType() {
    return gpuTypes.isEmpty() && gpuAnnotations.isEmpty();
  }
}
