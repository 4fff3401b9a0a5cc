package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A provider's catalogue is fetched once per time to live, and again after a refusal about prices. */
class CachedOffersTest {

  private static final WorkloadKey KEY = new WorkloadKey("ns", "job", "uid", 1);

  /** A provider that counts its catalogue calls and whose submit fails as told. */
  private static final class Catalogue extends QuietProvider {
    final AtomicInteger fetches = new AtomicInteger();
    volatile ProviderException submitFailure;

    @Override
    public List<Offer> offers() {
      return List.of(new Offer("A100", "A100 #" + fetches.incrementAndGet(), null, 80, null));
    }

    @Override
    public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
      if (submitFailure != null) {
        throw submitFailure;
      }
      return super.submit(spec);
    }
  }

  private final AtomicLong nanos = new AtomicLong();
  private final Catalogue catalogue = new Catalogue();
  private final CachedOffers cached = new CachedOffers(catalogue, Duration.ofMinutes(5), nanos::get);

  @Test
  void aBurstOfReconcilesFetchesTheCatalogueOncePerTtl() throws ProviderException {
    for (int i = 0; i < 100; i++) {
      nanos.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(cached.offers()).extracting(Offer::providerName).containsExactly("A100 #1");
    }
    nanos.addAndGet(Duration.ofMinutes(4).toNanos());

    assertThat(cached.offers()).extracting(Offer::providerName).containsExactly("A100 #2");
    assertThat(catalogue.fetches).hasValue(2);
  }

  @Test
  void aRefusalAboutPricesMakesTheNextCallFetchAgainAndOtherFailuresDoNot() throws ProviderException {
    cached.offers();
    catalogue.submitFailure = new ProviderException.NoCapacity("no stock");
    assertThatThrownBy(() -> cached.submit(spec())).isInstanceOf(ProviderException.NoCapacity.class);
    cached.offers();
    assertThat(catalogue.fetches).as("a stock-out says nothing of prices").hasValue(1);

    catalogue.submitFailure = new ProviderException.InvalidRequest("InvalidSpotPriceLimit.LowerThanPublicPrice",
        "the spot price limit is below the public price");
    assertThatThrownBy(() -> cached.submit(spec())).isInstanceOf(ProviderException.InvalidRequest.class);
    cached.offers();
    assertThat(catalogue.fetches).hasValue(2);
  }

  @Test
  void aZeroTtlFetchesEveryTime() throws ProviderException {
    CachedOffers uncached = new CachedOffers(catalogue, Duration.ZERO, nanos::get);
    uncached.offers();
    uncached.offers();
    assertThat(catalogue.fetches).hasValue(2);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"InvalidSpotPriceLimit.LowerThanPublicPrice, true", "PriceChanged, true", "NoStock, false",
      "UnknownGpuType, false"})
  void refusalsAboutPricesAreToldByTheirReason(String reason, boolean aboutPrices) {
    assertThat(CachedOffers.aboutPrices(new ProviderException.InvalidRequest(reason, "m"))).isEqualTo(aboutPrices);
  }

  private static WorkloadSpec spec() {
    return new WorkloadSpec(KEY, "img", List.of("true"), List.of(), java.util.Map.of(), new GpuDemand("A100", 1, null),
        ComputeDemand.NONE, null, null);
  }
}
