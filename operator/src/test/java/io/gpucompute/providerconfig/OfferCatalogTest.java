package io.gpucompute.providerconfig;

import static org.assertj.core.api.Assertions.assertThat;

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
        List.of(new GpuPrice("h100", "2.49"), new GpuPrice("A100", "1.10")));

    assertThat(offers).extracting(GpuOffer::getGpuType).containsExactly("A100", "H100", "T4");
    assertThat(offers).extracting(GpuOffer::getPricePerHour).containsExactly("1.1", "2.49", "0.35");
    assertThat(offers.get(1).getCount()).isEqualTo(1);
  }

  @Test
  void aTypeWithNoPriceAnywhereHasNone() {
    assertThat(OfferCatalog.merge(List.of(new Offer("L4", "declared", 1, null, null)), List.of()))
        .singleElement().extracting(GpuOffer::getPricePerHour).isNull();
  }
}
