package io.gpucompute.providerconfig;

import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.cost.Money;
import io.gpucompute.provider.Offer;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Merges a provider's offers with a ProviderConfig's price table into the offers shown in status. Pure. */
public final class OfferCatalog {

  private OfferCatalog() {}

  /**
   * The provider's offers, each priced from {@code prices} when the table names its type (the table overrides
   * the provider's catalogue, or fills in where it has no price). Sorted by type.
   */
  public static List<GpuOffer> merge(List<Offer> offers, List<GpuPrice> prices) {
    Map<String, BigDecimal> table = (prices == null ? List.<GpuPrice>of() : prices).stream()
        .collect(Collectors.toMap(p -> p.getGpuType().toUpperCase(Locale.ROOT), p -> Money.parse(p.getPricePerHour()),
            (first, second) -> second));
    return offers.stream()
        .map(o -> new GpuOffer(o.gpuType(), o.providerName(), o.count(), o.memoryGiB(),
            Money.format(table.getOrDefault(o.gpuType().toUpperCase(Locale.ROOT), o.pricePerHour()))))
        .sorted(Comparator.comparing(GpuOffer::getGpuType))
        .toList();
  }
}
