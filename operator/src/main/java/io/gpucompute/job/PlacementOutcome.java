package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.PlacementCandidate;
import io.gpucompute.api.v1alpha1.PlacementStrategy;
import io.gpucompute.cost.Money;
import io.gpucompute.placement.Option;
import io.gpucompute.placement.Ranking;
import io.gpucompute.placement.Skip;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What placing a waiting job came to: the ProviderConfig its next attempt goes to and the queue's answer there, or
 * why it has nowhere to go. Built by {@link #of}, pure, from the placement rule's {@link Ranking} and the answers of
 * the queues the reconciler asked in the ranking's order.
 *
 * @param provider the ProviderConfig of the chosen option (priced as that option), of the best option when every queue
 *     is full, or a blocked view that says why no option is left
 * @param admission the chosen option's admission, the best option's wait, a wait for the skips to expire, or not asked
 * @param choice what to record of the choice when the job was admitted; null otherwise
 * @param retryAt when a skipped option may be tried again, when that is what the job waits for; null otherwise
 */
public record PlacementOutcome(ProviderView provider, Admission admission, Choice choice, Instant retryAt) {

  /** How many considered options status.placement shows. */
  public static final int SHOWN = 10;
  private static final Set<String> PASSING = Set.of(JobReason.NO_CAPACITY.toString(), JobReason.PREEMPTED.toString(),
      JobReason.PROVIDER_NOT_READY.toString());

  /**
   * The chosen option as the attempt's record shows it.
   *
   * @param spot whether the attempt runs on spot capacity
   * @param pricePerHour the job's price per hour in USD there, or null when unknown
   * @param summary the choice in one line
   * @param considered every option considered (at most {@link #SHOWN}), the chosen one first
   */
  public record Choice(boolean spot, BigDecimal pricePerHour, String summary, List<PlacementCandidate> considered) {}

  /** A job that is not placed now (it holds a workload, or does not want to start): nothing asked. */
  public static PlacementOutcome notAsked(ProviderView provider) {
    return new PlacementOutcome(provider, Admission.NOT_ASKED, null, null);
  }

  /**
   * @param ranking the placement rule's answer
   * @param answers the queue's answer for each option asked, in the ranking's order; asking stops at the first
   *     admission
   * @param views what was found of each candidate ProviderConfig, by name
   * @param candidates how many candidates the job had
   * @param strategy the job's placement strategy
   * @param now the clock
   */
  public static PlacementOutcome of(Ranking ranking, Map<Option, Admission> answers, Map<String, ProviderView> views,
      int candidates, PlacementStrategy strategy, Instant now) {
    Option chosen = answers.entrySet().stream().filter(e -> e.getValue() instanceof Admission.Admitted)
        .map(Map.Entry::getKey).findFirst().orElse(null);
    if (chosen != null) {
      List<PlacementCandidate> considered = considered(ranking, answers, chosen);
      return new PlacementOutcome(pricedAs(chosen, views), new Admission.Admitted(),
          new Choice(chosen.spot(), chosen.pricePerHour(), summary(chosen, ranking, answers, strategy), considered),
          null);
    }
    if (!ranking.options().isEmpty()) {
      Option best = ranking.options().get(0);
      Admission wait = answers.getOrDefault(best, Admission.NOT_ASKED);
      if (wait instanceof Admission.Waiting waiting && ranking.options().size() > 1) {
        boolean allBusy = ranking.options().stream().allMatch(o -> answers.get(o) instanceof Admission.Waiting w
            && w.reason() == JobReason.GPUS_BUSY);
        wait = new Admission.Waiting(waiting.position(), waiting.reason(), waiting.message() + " (the best of "
            + ranking.options().size() + " options; " + (allBusy ? "every one is busy" : "none can start it now")
            + ")");
      }
      return new PlacementOutcome(pricedAs(best, views), wait, null, null);
    }
    return nowhere(ranking, views, candidates, now);
  }

  /** No option is left: one candidate speaks for itself; several are summed up. */
  private static PlacementOutcome nowhere(Ranking ranking, Map<String, ProviderView> views, int candidates,
      Instant now) {
    Instant retryAt = ranking.dropped().stream().map(d -> skipOf(d, now)).filter(s -> s != null)
        .map(Skip::until).min(Instant::compareTo).orElse(null);
    if (candidates == 0) {
      return new PlacementOutcome(new ProviderView.Blocked(null, JobReason.NO_SUITABLE_PROVIDER.toString(),
          "no ProviderConfig is a candidate: none exists, or none matches spec.placement", true),
          Admission.NOT_ASKED, null, null);
    }
    boolean allSkipped = ranking.dropped().stream().allMatch(d -> skipOf(d, now) != null);
    if (allSkipped && retryAt != null) {
      Ranking.Dropped first = ranking.dropped().get(0);
      JobReason reason = candidates == 1 ? JobReason.valueOf(reasonConstant(first.reason()))
          : JobReason.NO_CAPACITY_ANYWHERE;
      String message = candidates == 1 ? first.message()
          : "every candidate is skipped for now: " + reasons(ranking.dropped()) + "; trying again at " + retryAt;
      return new PlacementOutcome(pricedAs(first.option(), views), new Admission.Waiting(0, reason, message), null,
          retryAt);
    }
    if (candidates == 1) {
      Ranking.Dropped only = ranking.dropped().get(0);
      ProviderView view = views.get(only.option().candidate().name());
      if (view instanceof ProviderView.Blocked blocked) {
        return new PlacementOutcome(blocked, Admission.NOT_ASKED, null, null);
      }
      return new PlacementOutcome(new ProviderView.Blocked(only.option().candidate().label(), only.reason(),
          only.message(), !PASSING.contains(only.reason())), Admission.NOT_ASKED, null, null);
    }
    boolean passing = ranking.dropped().stream().anyMatch(d -> PASSING.contains(d.reason()));
    return new PlacementOutcome(new ProviderView.Blocked(null, JobReason.NO_SUITABLE_PROVIDER.toString(),
        "none of " + candidates + " candidates can take the job: " + reasons(ranking.dropped()), !passing),
        Admission.NOT_ASKED, null, retryAt);
  }

  private static Skip skipOf(Ranking.Dropped dropped, Instant now) {
    var c = dropped.option().candidate();
    Skip skip = dropped.option().spot() ? c.spotSkip() : c.onDemandSkip();
    return skip != null && skip.holds(now) && skip.reason().equals(dropped.reason()) ? skip : null;
  }

  private static String reasonConstant(String camelCase) {
    for (JobReason reason : JobReason.values()) {
      if (reason.toString().equals(camelCase)) {
        return reason.name();
      }
    }
    return JobReason.NO_CAPACITY.name();
  }

  /** The option's ProviderConfig as the attempt sees it: priced per GPU as the option (spot or on demand). */
  private static ProviderView pricedAs(Option option, Map<String, ProviderView> views) {
    ProviderView view = views.get(option.candidate().name());
    if (!(view instanceof ProviderView.Usable usable)) {
      return view;
    }
    BigDecimal perGpu = option.spot() ? option.candidate().spotPrice() : option.candidate().onDemandPrice();
    return new ProviderView.Usable(usable.label(), usable.name(), usable.uid(), perGpu, usable.findsWorkloadsByKey());
  }

  private static List<PlacementCandidate> considered(Ranking ranking, Map<Option, Admission> answers, Option chosen) {
    List<PlacementCandidate> out = new ArrayList<>();
    out.add(candidate(chosen, "Chosen", "placed here"));
    for (Option option : ranking.options()) {
      if (option.equals(chosen)) {
        continue;
      }
      Admission answer = answers.get(option);
      if (answer instanceof Admission.Waiting waiting) {
        out.add(candidate(option, waiting.reason().toString(), waiting.message()));
      } else {
        out.add(candidate(option, "Outranked", "ranked below the chosen option"));
      }
    }
    for (Ranking.Dropped dropped : ranking.dropped()) {
      out.add(candidate(dropped.option(), dropped.reason(), dropped.message()));
    }
    return List.copyOf(out.subList(0, Math.min(SHOWN, out.size())));
  }

  private static PlacementCandidate candidate(Option option, String reason, String message) {
    return new PlacementCandidate(option.candidate().name(), option.spot() ? Boolean.TRUE : null,
        option.pricePerHour() == null ? null : Money.format(option.pricePerHour()), reason, message);
  }

  /** "runpod (spot) at 1.19 USD/h, cheapest of 3; alibaba-hz: NoCapacity". */
  private static String summary(Option chosen, Ranking ranking, Map<Option, Admission> answers,
      PlacementStrategy strategy) {
    int total = ranking.options().size() + ranking.dropped().size();
    boolean first = ranking.options().get(0).equals(chosen);
    String how = !first ? "the best with room" : strategy == PlacementStrategy.Ordered ? "first in order"
        : "cheapest";
    String price = chosen.pricePerHour() == null ? "an unknown price"
        : chosen.pricePerHour().setScale(2, RoundingMode.HALF_UP).toPlainString() + " USD/h";
    StringBuilder line = new StringBuilder(chosen.candidate().name() + (chosen.spot() ? " (spot)" : "") + " at "
        + price + ", " + how + " of " + total);
    List<String> losers = new ArrayList<>();
    answers.forEach((option, answer) -> {
      if (answer instanceof Admission.Waiting waiting) {
        losers.add(option.label() + ": " + waiting.reason());
      }
    });
    ranking.dropped().forEach(d -> losers.add(d.option().candidate().name() + (d.option().spot() ? " (spot)" : "")
        + ": " + d.reason()));
    if (!losers.isEmpty()) {
      line.append("; ").append(String.join(", ", losers.subList(0, Math.min(5, losers.size()))));
      if (losers.size() > 5) {
        line.append(", and ").append(losers.size() - 5).append(" more");
      }
    }
    return line.toString();
  }

  private static String reasons(List<Ranking.Dropped> dropped) {
    String listed = dropped.stream().limit(5)
        .map(d -> d.option().candidate().name() + (d.option().spot() ? " (spot)" : "") + ": " + d.reason())
        .collect(Collectors.joining(", "));
    return dropped.size() > 5 ? listed + ", and " + (dropped.size() - 5) + " more" : listed;
  }
}
