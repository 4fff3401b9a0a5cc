package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.cost.Money;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.providerconfig.NamespaceSelector;
import io.gpucompute.providerconfig.ProviderConfigCondition;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Turns what the caches hold of a job's ProviderConfig and namespace into a {@link ProviderView}. Pure.
 */
public final class ProviderResolver {

  private ProviderResolver() {}

  /**
   * @param job the job
   * @param config its ProviderConfig from the cache, if present
   * @param namespace the job's Namespace from the cache, if present
   * @param provider the provider built for that ProviderConfig, if it has been built
   */
  public static ProviderView resolve(GpuJob job, Optional<ProviderConfig> config, Optional<Namespace> namespace,
      Optional<GpuProvider> provider) {
    return resolve(job, job.getSpec().getProviderConfigRef().getName(), config, namespace, provider);
  }

  /** Like {@link #resolve(GpuJob, Optional, Optional, Optional)}, for the job's candidate {@code name}. */
  public static ProviderView resolve(GpuJob job, String name, Optional<ProviderConfig> config,
      Optional<Namespace> namespace, Optional<GpuProvider> provider) {
    if (config.isEmpty()) {
      return new ProviderView.Blocked(null, JobReason.PROVIDER_CONFIG_NOT_FOUND.toString(),
          "ProviderConfig " + name + " does not exist", true);
    }
    ProviderConfig pc = config.get();
    String label = pc.getSpec().getType() + "/" + name;
    if (pc.getMetadata().getDeletionTimestamp() != null) {
      return new ProviderView.Blocked(label, JobReason.PROVIDER_CONFIG_DELETING.toString(), "ProviderConfig " + name
          + " is being deleted: it takes no new attempts", false);
    }
    LabelSelector allowed = pc.getSpec().getAllowedNamespaces();
    if (!NamespaceSelector.allows(allowed, namespace.map(ns -> ns.getMetadata().getLabels()).orElse(null),
        job.getMetadata().getNamespace())) {
      return new ProviderView.Blocked(label, JobReason.NAMESPACE_NOT_ALLOWED.toString(), "ProviderConfig " + name
          + " does not allow namespace " + job.getMetadata().getNamespace() + " (see its spec.allowedNamespaces)", true);
    }
    Optional<Condition> ready = Conditions.find(pc.getStatus() == null ? null : pc.getStatus().getConditions(),
        ProviderConfigCondition.READY);
    boolean current = pc.getStatus() != null && pc.getMetadata().getGeneration() != null
        && pc.getMetadata().getGeneration().equals(pc.getStatus().getObservedGeneration());
    if (ready.isEmpty() || !current) {
      return new ProviderView.Blocked(label, JobReason.PROVIDER_NOT_READY.toString(),
          "waiting for ProviderConfig " + name + " to be checked", false);
    }
    if (!Conditions.TRUE.equals(ready.get().getStatus())) {
      String reason = ready.get().getReason();
      boolean stalled = Conditions.isTrue(pc.getStatus().getConditions(), ProviderConfigCondition.STALLED);
      return new ProviderView.Blocked(label, stalled ? reason : JobReason.PROVIDER_NOT_READY.toString(),
          "ProviderConfig " + name + " is not ready (" + reason + "): " + ready.get().getMessage(), stalled);
    }
    if (provider.isEmpty()) {
      return new ProviderView.Blocked(label, JobReason.PROVIDER_NOT_READY.toString(),
          "waiting for the operator to connect to ProviderConfig " + name, false);
    }
    return new ProviderView.Usable(label, name, pc.getMetadata().getUid(),
        pricePerGpuHour(pc, job.getSpec().getGpu().getType()), provider.get().findsWorkloadsByKey());
  }

  private static BigDecimal pricePerGpuHour(ProviderConfig pc, String gpuType) {
    if (pc.getStatus() == null || pc.getStatus().getOffers() == null) {
      return null;
    }
    return pc.getStatus().getOffers().stream()
        .filter(o -> gpuType.equalsIgnoreCase(o.getGpuType()))
        .map(GpuOffer::getPricePerHour)
        .filter(p -> p != null)
        .map(Money::parse)
        .findFirst().orElse(null);
  }
}
