package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Toleration;
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
 */
public record JobPlacement(
    String namespace,
    Map<String, Map<String, String>> gpuTypes,
    Map<String, Map<String, String>> gpuAnnotations,
    List<Toleration> tolerations,
    String runtimeClassName,
    String priorityClassName,
    boolean ownedByGpuJob) {

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

  /** Whether any GPU type is accepted (none configured). */
  boolean acceptsAnyType() {
    return gpuTypes.isEmpty() && gpuAnnotations.isEmpty();
  }
}
