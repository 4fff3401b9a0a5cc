package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.PlacementSkip;
import io.gpucompute.placement.Skip;
import io.gpucompute.status.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The options a job skips for a while, as status.placement.skips keeps them. Pure.
 *
 * <p>A stock-out skips the option for a cooldown that doubles with each stock-out in a row there ("strikes"): the
 * job tries the other candidates at once and comes back to this one with backoff. A preemption skips the option for
 * a fixed, longer cooldown. An entry stays a while after it expires, so that its strikes count on; then it goes.
 */
public final class PlacementSkips {

  /** How long an expired entry is kept for its strikes. */
  static final Duration MEMORY = Duration.ofMinutes(30);
  /** The longest stock-out cooldown. */
  static final Duration LONGEST = Duration.ofMinutes(10);
  /** The most entries kept (the CRD's limit). */
  static final int MAX = 64;

  private PlacementSkips() {}

  /** The skip that holds for {@code providerConfig}'s spot or on-demand option, if any (expired ones too). */
  public static Optional<Skip> of(List<PlacementSkip> skips, String providerConfig, boolean spot) {
    return find(skips, providerConfig, spot)
        .map(s -> new Skip(Timestamps.parse(s.getUntil()), s.getReason(), s.getMessage()));
  }

  /**
   * Adds a stock-out skip of the option; its cooldown is {@code base} doubled for each earlier strike, at most
   * {@link #LONGEST}.
   */
  static List<PlacementSkip> noCapacity(List<PlacementSkip> skips, String providerConfig, boolean spot,
      String message, Duration base, Instant now) {
    int strikes = find(skips, providerConfig, spot).filter(s -> JobReason.NO_CAPACITY.toString().equals(s.getReason()))
        .map(s -> s.getStrikes() == null ? 1 : s.getStrikes()).orElse(0) + 1;
    long factor = 1L << Math.min(strikes - 1, 20);
    Duration cooldown = base.multipliedBy(factor);
    if (cooldown.compareTo(LONGEST) > 0) {
      cooldown = LONGEST;
    }
    return with(skips, new PlacementSkip(providerConfig, spot ? Boolean.TRUE : null,
        Timestamps.format(now.plus(cooldown)), JobReason.NO_CAPACITY.toString(), strikes, message), now);
  }

  /** Adds a preemption skip of the option for {@code cooldown}. */
  static List<PlacementSkip> preempted(List<PlacementSkip> skips, String providerConfig, boolean spot,
      String message, Duration cooldown, Instant now) {
    return with(skips, new PlacementSkip(providerConfig, spot ? Boolean.TRUE : null,
        Timestamps.format(now.plus(cooldown)), JobReason.PREEMPTED.toString(), null, message), now);
  }

  /** The entries still worth keeping at {@code now}. */
  static List<PlacementSkip> pruned(List<PlacementSkip> skips, Instant now) {
    if (skips == null) {
      return new ArrayList<>();
    }
    return new ArrayList<>(skips.stream()
        .filter(s -> Timestamps.parse(s.getUntil()).plus(MEMORY).isAfter(now))
        .toList());
  }

  private static List<PlacementSkip> with(List<PlacementSkip> skips, PlacementSkip skip, Instant now) {
    List<PlacementSkip> kept = pruned(skips, now);
    kept.removeIf(s -> same(s, skip.getProviderConfig(), Boolean.TRUE.equals(skip.getSpot())));
    kept.add(skip);
    return kept.size() > MAX ? new ArrayList<>(kept.subList(kept.size() - MAX, kept.size())) : kept;
  }

  private static Optional<PlacementSkip> find(List<PlacementSkip> skips, String providerConfig, boolean spot) {
    return skips == null ? Optional.empty()
        : skips.stream().filter(s -> same(s, providerConfig, spot)).findFirst();
  }

  private static boolean same(PlacementSkip skip, String providerConfig, boolean spot) {
    return Objects.equals(skip.getProviderConfig(), providerConfig) && Boolean.TRUE.equals(skip.getSpot()) == spot;
  }
}
