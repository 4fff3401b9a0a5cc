package io.gpucompute.job;

import io.fabric8.kubernetes.api.model.Namespace;
import io.gpucompute.admission.AdmissionQueue;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPlacement;
import io.gpucompute.api.v1alpha1.PlacementStrategy;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.budget.BudgetGate;
import io.gpucompute.cost.Money;
import io.gpucompute.placement.Candidate;
import io.gpucompute.placement.Option;
import io.gpucompute.placement.Placement;
import io.gpucompute.placement.Ranking;
import io.gpucompute.provider.GpuProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Places a waiting job: resolves its candidate ProviderConfigs from the caches, ranks their options with
 * {@link Placement}, and asks the options' queues in that order until one admits the job (which reserves its capacity
 * there). What it came to is a {@link PlacementOutcome}.
 */
final class JobPlacer {

  /** What the placer reads: the caches and the connected providers. */
  interface Caches {
    /** Every cached ProviderConfig. */
    Collection<ProviderConfig> providerConfigs();

    /** The cached ProviderConfig of that name. */
    Optional<ProviderConfig> providerConfig(String name);

    /** The connected provider of the ProviderConfig with that uid. */
    Optional<GpuProvider> provider(String uid);

    /** A number that changes whenever a ProviderConfig or the membership of its queue does. */
    long queueFingerprint(ProviderConfig config);

    /** A ProviderConfig's queue at {@code now}, as admission plans from it. */
    AdmissionQueue.Snapshot queueSnapshot(ProviderConfig config, Instant now);
  }

  private final AdmissionQueue queue;
  private final BudgetGate budgets;
  private final Caches caches;

  /** @param budgets asked first for each option, at its price: a budget may refuse an option that its queue would admit */
  JobPlacer(AdmissionQueue queue, BudgetGate budgets, Caches caches) {
    this.queue = queue;
    this.budgets = budgets;
    this.caches = caches;
  }

  /** Places {@code job}, which wants to start ({@link JobDecider#wantsToStart(GpuJob, Instant)}). */
  PlacementOutcome place(GpuJob job, Optional<Namespace> namespace, Instant now) {
    List<String> names = JobCandidates.names(job, caches.providerConfigs());
    Map<String, ProviderView> views = new LinkedHashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (String name : names) {
      Optional<ProviderConfig> config = caches.providerConfig(name);
      ProviderView view = ProviderResolver.resolve(job, name, config, namespace,
          config.flatMap(pc -> caches.provider(pc.getMetadata().getUid())));
      views.put(name, view);
      candidates.add(CandidateViews.of(job, name, config, view, candidates.size()));
    }
    PlacementStrategy strategy = strategy(job);
    Ranking ranking = Placement.rank(request(job, strategy), candidates, now);
    Map<Option, Admission> answers = new LinkedHashMap<>();
    for (Option option : ranking.options()) {
      ProviderConfig config = caches.providerConfig(option.candidate().name()).orElseThrow();
      // The plan made for an earlier job is reused while neither the queue's jobs nor its reservations changed.
      // A refused costly option falls through to the next, cheaper or not, as a full queue does.
      Admission answer = budgets.admit(job, option.pricePerHour(), now, () -> queue.admit(option.candidate().name(),
          JobQueueSnapshot.entry(job), caches.queueFingerprint(config), () -> caches.queueSnapshot(config, now), now));
      answers.put(option, answer);
      if (answer instanceof Admission.Admitted) {
        break;
      }
    }
    return PlacementOutcome.of(ranking, answers, views, names.size(), strategy, now);
  }

  /** What the job asks of the placement rule: its GPU count, spot policy, price limit and strategy. */
  static Placement.Request request(GpuJob job, PlacementStrategy strategy) {
    return new Placement.Request(job.getSpec().getGpu().getCount(), job.getSpec().effectiveSpot(),
        Money.parse(job.getSpec().getMaxPricePerHour()), strategy);
  }

  private static PlacementStrategy strategy(GpuJob job) {
    JobPlacement placement = job.getSpec().getPlacement();
    return placement == null || placement.getStrategy() == null ? PlacementStrategy.Cheapest : placement.getStrategy();
  }
}
