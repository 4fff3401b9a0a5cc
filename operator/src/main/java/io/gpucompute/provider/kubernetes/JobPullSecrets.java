package io.gpucompute.provider.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.WorkloadSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A workload's pull secrets as a Job's pod uses them. Where the Job runs in the GpuJob's own namespace on the GpuJob's
 * own cluster, the pod names the job's Secrets themselves. Anywhere else (another namespace, a TKE cluster) the pod
 * cannot see them, so their logins are copied, merged, into one Secret of type kubernetes.io/dockerconfigjson beside
 * the Job, named {@code <Job>-registry}, owned by the Job and deleted with it. Pure.
 */
final class JobPullSecrets {

  /** The suffix of the copy's name. */
  static final String COPY_SUFFIX = "-registry";

  private static final ObjectMapper JSON = new ObjectMapper();

  private JobPullSecrets() {}

  /** The pod's imagePullSecrets, or null for none. */
  static List<LocalObjectReference> references(WorkloadSpec spec, String jobName, boolean jobsNamespace) {
    if (spec.pullSecrets().isEmpty()) {
      return null;
    }
    if (jobsNamespace) {
      return spec.pullSecrets().stream().map(secret -> new LocalObjectReference(secret.secretName())).toList();
    }
    return List.of(new LocalObjectReference(jobName + COPY_SUFFIX));
  }

  /**
   * The copy to create beside the Job, or null when the pod names the job's own Secrets.
   *
   * @throws ProviderException.InvalidRequest (InvalidPullSecret) when one of them is not JSON with auths
   */
  static Secret copy(WorkloadSpec spec, String ns, String jobName, boolean jobsNamespace, Map<String, String> labels)
      throws ProviderException.InvalidRequest {
    if (spec.pullSecrets().isEmpty() || jobsNamespace) {
      return null;
    }
    ObjectNode auths = JSON.createObjectNode();
    for (PullSecret secret : spec.pullSecrets()) {
      secret.logins(); // refuses one without a login, naming it
      try {
        JsonNode theirs = JSON.readTree(secret.dockerConfigJson()).path("auths");
        theirs.properties().forEach(entry -> auths.set(entry.getKey(), entry.getValue()));
      } catch (IOException e) {
        throw new ProviderException.InvalidRequest("InvalidPullSecret", "pull secret " + secret.secretName()
            + ": its " + PullSecret.KEY + " is not JSON");
      }
    }
    ObjectNode config = JSON.createObjectNode();
    config.set("auths", auths);
    String encoded = Base64.getEncoder().encodeToString(config.toString().getBytes(StandardCharsets.UTF_8));
    return new SecretBuilder().withNewMetadata().withName(jobName + COPY_SUFFIX).withNamespace(ns).withLabels(labels)
        .endMetadata().withType(PullSecret.TYPE).withData(Map.of(PullSecret.KEY, encoded)).build();
  }
}
