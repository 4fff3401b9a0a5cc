package io.gpucompute.placement;

import io.gpucompute.api.v1alpha1.PlacementStrategy;
import io.gpucompute.api.v1alpha1.SpotPolicy;
import io.gpucompute.cost.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The placement rule, pure: from what each candidate ProviderConfig offers now, which options (ProviderConfig, spot or
 * on-demand) a job may take, best first, and why the others were left out. Table-tested by {@code PlacementTest}.
 *
 * <p>An option is left out when its ProviderConfig is blocked, does not offer the GPU type, has no spot capacity when
 * the job wants spot only, is skipped for a while after a stock-out or a preemption, or its price is unknown or above
 * {@code spec.maxPricePerHour}. The rest are ordered by the strategy: {@code Cheapest} by the job's price (unknown
 * last), {@code Ordered} by the candidates' order with spot first where the job prefers spot; ties keep the
 * candidates' order. Capacity is not the rule's business: the reconciler asks each option's queue in this order and
 * takes the first that admits the job.
 */
public final class Placement {

  /**
   * What the job asks for.
   *
   * @param gpuCount how many GPUs (prices are per GPU)
   * @param spot whether it may, or must, run on spot capacity
   * @param maxPricePerHour its price limit in USD per hour, or null for none
   * @param strategy how to order the options
   */
  public record Request(int gpuCount, SpotPolicy spot, BigDecimal maxPricePerHour, PlacementStrategy strategy) {}

  private Placement() {}

  public static Ranking rank(Request request, List<Candidate> candidates, Instant now) {
    List<Option> options = new ArrayList<>();
    List<Ranking.Dropped> dropped = new ArrayList<>();
    for (Candidate candidate : candidates) {
      for (Option option : optionsOf(request, candidate)) {
        Ranking.Dropped why = dropReason(request, option, now);
        if (why == null) {
          options.add(option);
        } else {
          dropped.add(why);
        }
      }
      if (request.spot() == SpotPolicy.Only && !candidate.spotCapable() && !candidate.blocked()) {
        dropped.add(new Ranking.Dropped(new Option(candidate, true, null), "SpotUnavailable",
            candidate.label() + " has no spot capacity"));
      }
    }
    options.sort(order(request));
    return new Ranking(List.copyOf(options), List.copyOf(dropped));
  }

  /** The options a candidate has for the job: on demand unless spot only, spot if it can and the job may. */
  private static List<Option> optionsOf(Request request, Candidate candidate) {
    List<Option> options = new ArrayList<>();
    boolean spotAllowed = request.spot() != SpotPolicy.Never && candidate.spotCapable();
    if (spotAllowed) {
      options.add(new Option(candidate, true, perJob(candidate.spotPrice(), request.gpuCount())));
    }
    if (request.spot() != SpotPolicy.Only) {
      options.add(new Option(candidate, false, perJob(candidate.onDemandPrice(), request.gpuCount())));
    }
    return options;
  }

  private static BigDecimal perJob(BigDecimal perGpu, int count) {
    return perGpu == null ? null : perGpu.multiply(BigDecimal.valueOf(count));
  }

  private static Ranking.Dropped dropReason(Request request, Option option, Instant now) {
    Candidate c = option.candidate();
    if (c.blocked()) {
      return new Ranking.Dropped(option, c.blockedReason(), c.blockedMessage());
    }
    if (!c.offersType()) {
      return new Ranking.Dropped(option, "GpuTypeNotOffered", c.label() + " does not offer the job's GPU type");
    }
    Skip skip = option.spot() ? c.spotSkip() : c.onDemandSkip();
    if (skip != null && skip.holds(now)) {
      return new Ranking.Dropped(option, skip.reason(), option.label() + " is skipped until " + skip.until()
          + " (" + skip.reason() + (skip.message() == null ? "" : ": " + skip.message()) + ")");
    }
    BigDecimal limit = request.maxPricePerHour();
    if (limit != null && option.pricePerHour() == null) {
      return new Ranking.Dropped(option, "PriceUnknown", option.label() + " has no price for the job's GPU type "
          + "and spec.maxPricePerHour is set");
    }
    if (limit != null && option.pricePerHour().compareTo(limit) > 0) {
      return new Ranking.Dropped(option, "PriceAboveLimit", option.label() + " costs "
          + Money.format(option.pricePerHour()) + " USD/h, above spec.maxPricePerHour " + Money.format(limit));
    }
    return null;
  }

  private static Comparator<Option> order(Request request) {
    Comparator<Option> byCandidate = Comparator.comparingInt(o -> o.candidate().rank());
    Comparator<Option> spotFirst = Comparator.comparing(o -> !o.spot());
    if (request.strategy() == PlacementStrategy.Ordered) {
      return byCandidate.thenComparing(spotFirst);
    }
    return Comparator.comparing(Option::pricePerHour, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(byCandidate).thenComparing(spotFirst);
  }
}
