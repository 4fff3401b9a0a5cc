package io.gpucompute.job;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.ResourceRequest;
import io.gpucompute.api.v1alpha1.SecretKeySelector;
import io.gpucompute.kube.SecretData;
import io.gpucompute.provider.ComputeDemand;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@link WorkloadSpec} of one attempt, reading the Secrets that env entries reference. Secrets are
 * read by name, only at submit time, and only in the job's own namespace; their values go to the provider
 * and nowhere else.
 */
public final class WorkloadSpecs {

  private final KubernetesClient client;
  private final String installation;

  /**
   * @param installation the id this operator installation tags its workloads with ({@link WorkloadSpec#installation})
   */
  public WorkloadSpecs(KubernetesClient client, String installation) {
    this.client = client;
    this.installation = installation;
  }

  /** The key of {@code job}'s attempt {@code attempt}. */
  public static WorkloadKey key(GpuJob job, int attempt) {
    return new WorkloadKey(job.getMetadata().getNamespace(), job.getMetadata().getName(), job.getMetadata().getUid(), attempt);
  }

  /**
   * The spec of attempt {@code attempt}.
   *
   * @throws ProviderException.InvalidRequest when a referenced Secret or key is missing (reason SecretNotFound)
   */
  public WorkloadSpec build(GpuJob job, int attempt) throws ProviderException.InvalidRequest {
    GpuJobSpec spec = job.getSpec();
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, Map<String, String>> secrets = new HashMap<>();
    for (EnvVar var : spec.getEnv()) {
      if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
        Map<String, String> data = secrets.computeIfAbsent(ref.getName(), n -> readSecret(job.getMetadata().getNamespace(), n));
        if (data == null) {
          throw new ProviderException.InvalidRequest(JobReason.SECRET_NOT_FOUND.toString(), "env " + var.getName() + ": Secret "
              + job.getMetadata().getNamespace() + "/" + ref.getName() + " does not exist");
        }
        String value = data.get(ref.getKey());
        if (value == null) {
          throw new ProviderException.InvalidRequest(JobReason.SECRET_NOT_FOUND.toString(), "env " + var.getName() + ": Secret "
              + job.getMetadata().getNamespace() + "/" + ref.getName() + " has no key " + ref.getKey());
        }
        env.put(var.getName(), value);
      } else {
        env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
      }
    }
    ResourceRequest resources = spec.getResources();
    return new WorkloadSpec(key(job, attempt), spec.getImage(), spec.getCommand(), spec.getArgs(), env,
        new GpuDemand(spec.getGpu().getType(), spec.getGpu().getCount(), spec.getGpu().getMemoryGiB()),
        resources == null ? ComputeDemand.NONE
            : new ComputeDemand(resources.getCpu(), resources.getMemoryGiB(), resources.getDiskGiB()),
        spec.getActiveDeadlineSeconds() == null ? null : Duration.ofSeconds(spec.getActiveDeadlineSeconds()),
        installation);
  }

  private Map<String, String> readSecret(String namespace, String name) {
    return SecretData.read(client, namespace, name).orElse(null);
  }
}
