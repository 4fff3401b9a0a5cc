package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What a test knows first-hand about the batch Jobs of one namespace, whoever plays the cluster (a
 * {@link FakeCluster} on the mock server, or the loopback kubelet on the real API server).
 */
public interface JobGroundTruth {

  /** How many Jobs named {@code jobName} were created. */
  int jobsCreated(String jobName);

  /** Fails the test when a container of Job {@code jobName} still runs. */
  void assertNothingLeftRunning(String jobName);

  /** A client of the cluster the Jobs are on. */
  KubernetesClient client();

  /** The namespace of the Jobs. */
  String namespace();

  /** The Job named {@code jobName} as the API server holds it now, or null. */
  default Job job(String jobName) {
    return client().batch().v1().jobs().inNamespace(namespace()).withName(jobName).get();
  }

  /** The decoded data of the Secret {@code name} beside the Jobs, or null when there is none. */
  default Map<String, String> secretData(String name) {
    Secret secret = client().secrets().inNamespace(namespace()).withName(name).get();
    if (secret == null) {
      return null;
    }
    Map<String, String> data = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return data;
  }
}
