package io.gpucompute.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.PlacementStrategy;
import io.gpucompute.api.v1alpha1.SpotPolicy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  /** A ready candidate at {@code rank} with these per-GPU prices (null: unknown; spot null: no spot capacity). */
  private static Candidate candidate(String name, int rank, String onDemand, String spot) {
    return new Candidate(name, "uid-" + name, "Test/" + name, rank, null, null, true, price(onDemand), price(spot),
        spot != null, null, null);
  }

  private static BigDecimal price(String text) {
    return text == null ? null : new BigDecimal(text);
  }

  private static Candidate blocked(String name, int rank, String reason) {
    return new Candidate(name, "uid-" + name, "Test/" + name, rank, reason, name + " is " + reason, true,
        price("1"), null, false, null, null);
  }

  private static Candidate noType(String name, int rank) {
    return new Candidate(name, "uid-" + name, "Test/" + name, rank, null, null, false, price("0.5"), null, false, null,
        null);
  }

  private static Candidate skipped(Candidate c, boolean spot, Instant until, String reason) {
    Skip skip = new Skip(until, reason);
    return new Candidate(c.name(), c.uid(), c.label(), c.rank(), null, null, true, c.onDemandPrice(), c.spotPrice(),
        c.spotCapable(), spot ? c.onDemandSkip() : skip, spot ? skip : c.spotSkip());
  }

  private static Placement.Request request(SpotPolicy spot, String limit, PlacementStrategy strategy) {
    return new Placement.Request(2, spot, price(limit), strategy);
  }

  /** A row: the candidates, what the job asks, the options expected in order, and the reasons of those dropped. */
  record Row(String name, List<Candidate> candidates, Placement.Request request, List<String> options,
      List<String> droppedReasons) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> rows() {
    Candidate runpod = candidate("runpod", 0, "1.19", "0.60");
    Candidate alibaba = candidate("alibaba", 1, "2.10", null);
    Candidate onPrem = candidate("on-prem", 2, "1.50", null);
    Candidate unpriced = candidate("unpriced", 3, null, null);
    return Stream.of(
        new Row("cheapest first, on demand only", List.of(alibaba, onPrem, runpod),
            request(SpotPolicy.Never, null, PlacementStrategy.Cheapest),
            List.of("runpod", "on-prem", "alibaba"), List.of()),
        new Row("ordered as listed", List.of(alibaba, onPrem, runpod),
            request(SpotPolicy.Never, null, PlacementStrategy.Ordered),
            List.of("runpod", "alibaba", "on-prem"), List.of()),
        new Row("unknown prices go last", List.of(unpriced, alibaba),
            request(SpotPolicy.Never, null, PlacementStrategy.Cheapest), List.of("alibaba", "unpriced"), List.of()),
        new Row("a price limit drops the dearer and the unpriced", List.of(runpod, alibaba, unpriced),
            request(SpotPolicy.Never, "3.00", PlacementStrategy.Cheapest),
            List.of("runpod"), List.of("PriceAboveLimit", "PriceUnknown")),
        new Row("prefer spot: spot and on demand compete by price", List.of(alibaba, runpod),
            request(SpotPolicy.Prefer, null, PlacementStrategy.Cheapest),
            List.of("runpod (spot)", "runpod", "alibaba"), List.of()),
        new Row("spot only: those without spot capacity are left out", List.of(alibaba, runpod),
            request(SpotPolicy.Only, null, PlacementStrategy.Cheapest),
            List.of("runpod (spot)"), List.of("SpotUnavailable")),
        new Row("ordered with spot preferred: spot first on the same candidate", List.of(runpod, alibaba),
            request(SpotPolicy.Prefer, null, PlacementStrategy.Ordered),
            List.of("runpod (spot)", "runpod", "alibaba"), List.of()),
        new Row("blocked and typeless candidates are left out with their reason",
            List.of(blocked("down", 0, "ProviderNotReady"), noType("t4-only", 1), onPrem),
            request(SpotPolicy.Never, null, PlacementStrategy.Cheapest),
            List.of("on-prem"), List.of("ProviderNotReady", "GpuTypeNotOffered")),
        new Row("a stock-out skips that option until it passes", List.of(skipped(runpod, false,
            NOW.plusSeconds(60), "NoCapacity"), alibaba),
            request(SpotPolicy.Never, null, PlacementStrategy.Cheapest), List.of("alibaba"), List.of("NoCapacity")),
        new Row("a preemption skips the spot option only; prefer falls back to on demand there",
            List.of(skipped(runpod, true, NOW.plusSeconds(600), "Preempted"), alibaba),
            request(SpotPolicy.Prefer, null, PlacementStrategy.Cheapest),
            List.of("runpod", "alibaba"), List.of("Preempted")),
        new Row("a skip that has passed counts no more", List.of(skipped(runpod, false, NOW.minusSeconds(1),
            "NoCapacity"), alibaba),
            request(SpotPolicy.Never, null, PlacementStrategy.Cheapest), List.of("runpod", "alibaba"), List.of())
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void ranksTheOptionsAndSaysWhyOthersWereLeftOut(Row row) {
    Ranking ranking = Placement.rank(row.request(), row.candidates(), NOW);

    assertThat(ranking.options()).extracting(o -> o.candidate().name() + (o.spot() ? " (spot)" : ""))
        .containsExactlyElementsOf(row.options());
    assertThat(ranking.dropped()).extracting(Ranking.Dropped::reason).containsExactlyElementsOf(row.droppedReasons());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyOptionCarriesTheJobsPriceForAllItsGpus(Row row) {
    Ranking ranking = Placement.rank(row.request(), row.candidates(), NOW);

    ranking.options().forEach(option -> {
      BigDecimal perGpu = option.spot() ? option.candidate().spotPrice() : option.candidate().onDemandPrice();
      assertThat(option.pricePerHour()).isEqualTo(perGpu == null ? null : perGpu.multiply(BigDecimal.valueOf(2)));
    });
  }
}
