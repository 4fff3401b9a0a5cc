package io.gpucompute.provider.runpod;

/**
 * The URLs of the three RunPod APIs the adapter uses. By default GraphQL and the pod-log REST API live on
 * {@code api.runpod.io} and serverless endpoints on {@code api.runpod.ai}; a ProviderConfig's {@code spec.endpoint}
 * replaces both hosts with one base URL (a gateway, or a test double).
 *
 * @param graphql the GraphQL URL
 * @param rest the base of {@code /v2/pods/{id}/logs}
 * @param serverless the base of {@code /v2/{endpointId}/...}
 */
record RunPodEndpoints(String graphql, String rest, String serverless) {

  static final RunPodEndpoints DEFAULT =
      new RunPodEndpoints("https://api.runpod.io/graphql", "https://api.runpod.io", "https://api.runpod.ai");

  /** The endpoints under {@code base}, or the defaults when it is null or blank. */
  static RunPodEndpoints of(String base) {
    if (base == null || base.isBlank()) {
      return DEFAULT;
    }
    String root = base.strip();
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    if (root.endsWith("/graphql")) {
      root = root.substring(0, root.length() - "/graphql".length());
    }
    return new RunPodEndpoints(root + "/graphql", root, root);
  }

  String podLogs(String podId) {
    return rest + "/v2/pods/" + podId + "/logs";
  }

  String serverless(String endpointId, String operation) {
    return serverless + "/v2/" + endpointId + "/" + operation;
  }
}
