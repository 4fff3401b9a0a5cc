package io.gpucompute.providerconfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.CurrencyRate;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.provider.Offer;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferCatalogTest {

  @Test
  void thePriceTableOverridesAndFillsTheProvidersPrices() {
    List<GpuOffer> offers = OfferCatalog.merge(List.of(
            new Offer("H100", "NVIDIA H100 80GB HBM3", 1, 79, new BigDecimal("3.00")),
            new Offer("A100", "declared", 2, null, null),
            new Offer("T4", "declared", 1, null, new BigDecimal("0.35"))),
        List.of(new GpuPrice("h100", "2.49"), new GpuPrice("A100", "1.10")), null);

    assertThat(offers).extracting(GpuOffer::getGpuType).containsExactly("A100", "H100", "T4");
    assertThat(offers).extracting(GpuOffer::getPricePerHour).containsExactly("1.1", "2.49", "0.35");
    assertThat(offers.get(1).getCount()).isEqualTo(1);
  }

  @Test
  void aTypeWithNoPriceAnywhereHasNone() {
    assertThat(OfferCatalog.merge(List.of(new Offer("L4", "declared", 1, null, null)), List.of(), null))
        .singleElement().extracting(GpuOffer::getPricePerHour).isNull();
  }

  @Test
  void pricesInAnotherCurrencyAreConvertedWithTheProviderConfigsRateAndDroppedWithoutOne() {
    Offer inYuan = new Offer("A10", "ecs.gn7i-c8g1.2xlarge", null, 24, new BigDecimal("12.31"), new BigDecimal("3.70"),
        "CNY");

    List<GpuOffer> converted = OfferCatalog.merge(List.of(inYuan), List.of(), new CurrencyRate("CNY", "0.14"));
    List<GpuOffer> noRate = OfferCatalog.merge(List.of(inYuan), List.of(), null);
    List<GpuOffer> otherRate = OfferCatalog.merge(List.of(inYuan), List.of(), new CurrencyRate("EUR", "1.08"));

    assertThat(converted).singleElement().satisfies(offer -> {
      assertThat(offer.getPricePerHour()).isEqualTo("1.7234");
      assertThat(offer.getSpotPricePerHour()).isEqualTo("0.518");
    });
    assertThat(noRate).singleElement().satisfies(offer -> assertThat(offer.getPricePerHour()).isNull());
    assertThat(otherRate).singleElement().satisfies(offer -> assertThat(offer.getPricePerHour()).isNull());
  }

  @Test
  void theTableSetsSpotPricesToo() {
    List<GpuOffer> offers = OfferCatalog.merge(List.of(new Offer("A100", "pool", null, 80, null)),
        List.of(new GpuPrice("A100", "2.00", "0.80")), null);

    assertThat(offers).singleElement().satisfies(offer -> {
      assertThat(offer.getPricePerHour()).isEqualTo("2");
      assertThat(offer.getSpotPricePerHour()).isEqualTo("0.8");
    });
  }
}
