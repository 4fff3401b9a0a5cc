package io.gpucompute.job;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ResourceRequest;
import io.gpucompute.api.v1alpha1.SecretKeySelector;
import io.gpucompute.api.v1alpha1.ImagePullSecret;
import io.gpucompute.kube.SecretData;
import io.gpucompute.logarchive.LogArchives;
import io.gpucompute.provider.ComputeDemand;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@link WorkloadSpec} of one attempt, reading the Secrets that env entries and pull secrets reference, and
 * presigning the attempt's log upload when its ProviderConfig has a log archive. Secrets are read by name, only at
 * submit time, and (but for the archive's, which the ProviderConfig names) only in the job's own namespace; their
 * values go to the provider and nowhere else.
 */
public final class WorkloadSpecs {

  private final KubernetesClient client;
  private final String installation;
  private final LogArchives archives;
  private final Clock clock;

  /**
   * @param installation the id this operator installation tags its workloads with ({@link WorkloadSpec#installation})
   */
  public WorkloadSpecs(KubernetesClient client, String installation) {
    this(client, installation, Clock.systemUTC());
  }

  /** Like the other constructor, with the clock that log upload URLs expire by. */
  public WorkloadSpecs(KubernetesClient client, String installation, Clock clock) {
    this.client = client;
    this.installation = installation;
    this.archives = new LogArchives(client);
    this.clock = clock;
  }

  /** The key of {@code job}'s attempt {@code attempt}. */
  public static WorkloadKey key(GpuJob job, int attempt) {
    return new WorkloadKey(job.getMetadata().getNamespace(), job.getMetadata().getName(), job.getMetadata().getUid(), attempt);
  }

  /**
   * The spec of attempt {@code attempt}, which runs on ProviderConfig {@code providerConfig} (its record's: placement
   * chose it, or it ran there before a change of spec.providerConfigRef), as cached; empty when it is gone.
   *
   * @throws ProviderException.InvalidRequest when a referenced Secret or key is missing (reason SecretNotFound), a
   *     pull secret is not one (InvalidPullSecret), a volume is invalid (InvalidVolume) or the log archive's
   *     credentials are missing (LogArchiveUnavailable)
   */
  public WorkloadSpec build(GpuJob job, int attempt, Optional<ProviderConfig> providerConfig)
      throws ProviderException.InvalidRequest {
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
    WorkloadKey key = key(job, attempt);
    Duration deadline = spec.getActiveDeadlineSeconds() == null ? null : Duration.ofSeconds(spec.getActiveDeadlineSeconds());
    LogUpload upload = archives.of(providerConfig).map(archive -> archive.upload(key, deadline,
        clock.instant())).orElse(null);
    return new WorkloadSpec(key, spec.getImage(), spec.getCommand(), spec.getArgs(), env,
        new GpuDemand(spec.getGpu().getType(), spec.getGpu().getCount(), spec.getGpu().getMemoryGiB()),
        resources == null ? ComputeDemand.NONE
            : new ComputeDemand(resources.getCpu(), resources.getMemoryGiB(), resources.getDiskGiB()),
        deadline, installation, pullSecrets(job), WorkloadVolumes.of(spec.getVolumes()), upload, null);
  }

  private List<PullSecret> pullSecrets(GpuJob job) throws ProviderException.InvalidRequest {
    String namespace = job.getMetadata().getNamespace();
    List<PullSecret> resolved = new ArrayList<>();
    for (ImagePullSecret ref : job.getSpec().getImagePullSecrets()) {
      Map<String, String> data = readSecret(namespace, ref.getName());
      if (data == null) {
        throw new ProviderException.InvalidRequest(JobReason.SECRET_NOT_FOUND.toString(), "spec.imagePullSecrets: "
            + "Secret " + namespace + "/" + ref.getName() + " does not exist");
      }
      String config = data.get(PullSecret.KEY);
      if (config == null) {
        throw new ProviderException.InvalidRequest("InvalidPullSecret", "spec.imagePullSecrets: Secret " + namespace
            + "/" + ref.getName() + " has no key " + PullSecret.KEY + " (it must be of type " + PullSecret.TYPE + ")");
      }
      PullSecret secret = new PullSecret(ref.getName(), config);
      secret.logins(); // refuses one that holds no login now, not at the provider
      resolved.add(secret);
    }
    return resolved;
  }

  private Map<String, String> readSecret(String namespace, String name) {
    return SecretData.read(client, namespace, name).orElse(null);
  }
}
