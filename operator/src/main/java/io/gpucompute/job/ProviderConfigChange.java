package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.providerconfig.ProviderConfigCondition;
import io.gpucompute.status.Conditions;
import java.util.Objects;

/**
 * Which ProviderConfig updates matter to its jobs: a new spec, the start of its deletion, a flip of Ready, or new
 * offers. Its count of
 * active jobs changes all the time and must not wake every job that uses it.
 */
final class ProviderConfigChange {

  private ProviderConfigChange() {}

  static boolean mattersToJobs(ProviderConfig now, ProviderConfig before) {
    if (!Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
        || !Objects.equals(now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp())) {
      return true;
    }
    if (now.getStatus() == null || before.getStatus() == null) {
      return now.getStatus() != before.getStatus();
    }
    return !Objects.equals(Conditions.find(now.getStatus().getConditions(), ProviderConfigCondition.READY),
        Conditions.find(before.getStatus().getConditions(), ProviderConfigCondition.READY))
        || !Objects.equals(now.getStatus().getOffers(), before.getStatus().getOffers())
        || !Objects.equals(now.getStatus().getObservedGeneration(), before.getStatus().getObservedGeneration());
  }
}
