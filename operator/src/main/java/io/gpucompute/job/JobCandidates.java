package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.JobPlacement;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.kube.LabelSelectorMatch;
import io.gpucompute.providerconfig.NamespaceSelector;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Which ProviderConfigs a job may run its next attempt on, in the order of its preference. Pure.
 *
 * <ul>
 *   <li>{@code spec.providerConfigRef} set: that one alone;</li>
 *   <li>{@code spec.placement.providers} set: those, in their order;</li>
 *   <li>{@code spec.placement.selector} set: every ProviderConfig whose labels it matches, by name;</li>
 *   <li>neither: every ProviderConfig, by name (placement then leaves out those that do not allow the job's
 *       namespace or do not offer its GPU type).</li>
 * </ul>
 */
public final class JobCandidates {

  /** The queue index key of a waiting job that any ProviderConfig may take (a selector, or no placement at all). */
  public static final String ANY = "*";

  private JobCandidates() {}

  /** The names of the job's candidates among {@code all} (the cached ProviderConfigs), best first. */
  public static List<String> names(GpuJob job, Collection<ProviderConfig> all) {
    List<String> named = named(job.getSpec());
    if (named != null) {
      return named;
    }
    JobPlacement placement = job.getSpec().getPlacement();
    return all.stream()
        .filter(pc -> placement == null || LabelSelectorMatch.matches(placement.getSelector(),
            pc.getMetadata().getLabels()))
        .map(pc -> pc.getMetadata().getName())
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  /** Whether {@code config} is one of the job's candidates. */
  public static boolean includes(GpuJob job, ProviderConfig config) {
    List<String> named = named(job.getSpec());
    if (named != null) {
      return named.contains(config.getMetadata().getName());
    }
    JobPlacement placement = job.getSpec().getPlacement();
    return placement == null || LabelSelectorMatch.matches(placement.getSelector(), config.getMetadata().getLabels());
  }

  /**
   * Whether the job may wait in {@code config}'s queue: it is one of the job's candidates, allows the job's namespace
   * and offers its GPU type (or lists no offers). A job that cannot run there must not hold a place in its queue.
   *
   * @param namespaceLabels the labels of the job's namespace, if known
   */
  public static boolean mayQueueOn(GpuJob job, ProviderConfig config, Map<String, String> namespaceLabels) {
    boolean listsOffers = config.getStatus() != null && config.getStatus().getOffers() != null
        && !config.getStatus().getOffers().isEmpty();
    return includes(job, config)
        && NamespaceSelector.allows(config.getSpec().getAllowedNamespaces(), namespaceLabels,
            job.getMetadata().getNamespace())
        && (!listsOffers || CandidateViews.offerFor(config, job.getSpec().getGpu()).isPresent());
  }

  /**
   * The keys under which the job is indexed for the queues it is in: the ProviderConfig its unreleased workload holds
   * capacity on; else its candidates by name, or {@link #ANY} when a selector or nothing names them.
   */
  public static List<String> queueKeys(GpuJob job) {
    var held = AttemptBindings.unreleased(job);
    if (held.isPresent()) {
      return List.of(held.get().name());
    }
    if (job.getSpec() == null) {
      // Only an object stored before the CRD required spec; an index function must not throw inside the cache.
      return List.of();
    }
    List<String> named = named(job.getSpec());
    return named == null ? List.of(ANY) : named;
  }

  /** The candidates the spec names outright, or null when a selector or nothing does. */
  private static List<String> named(GpuJobSpec spec) {
    if (spec.getProviderConfigRef() != null && spec.getProviderConfigRef().getName() != null) {
      return List.of(spec.getProviderConfigRef().getName());
    }
    JobPlacement placement = spec.getPlacement();
    if (placement != null && placement.getProviders() != null && !placement.getProviders().isEmpty()) {
      return List.copyOf(new LinkedHashSet<>(placement.getProviders()));
    }
    return null;
  }
}
