package io.gpucompute.providerconfig;

import io.gpucompute.api.v1alpha1.CurrencyRate;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.cost.Money;
import io.gpucompute.provider.Offer;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Merges a provider's offers with a ProviderConfig's price table and currency rate into the offers shown in status,
 * all in USD. Pure.
 */
public final class OfferCatalog {

  private OfferCatalog() {}

  /**
   * The provider's offers, each priced from {@code prices} when the table names its type (the table overrides the
   * provider's catalogue, or fills in where it has no price), else from the catalogue: in USD as it is, in another
   * currency converted with {@code currency} when it names that currency, and not at all otherwise. Sorted by type.
   */
  public static List<GpuOffer> merge(List<Offer> offers, List<GpuPrice> prices, CurrencyRate currency) {
    Map<String, GpuPrice> table = (prices == null ? List.<GpuPrice>of() : prices).stream()
        .collect(Collectors.toMap(p -> p.getGpuType().toUpperCase(Locale.ROOT), Function.identity(),
            (first, second) -> second));
    return offers.stream()
        .map(o -> {
          GpuPrice listed = table.get(o.gpuType().toUpperCase(Locale.ROOT));
          BigDecimal onDemand = listed != null ? Money.parse(listed.getPricePerHour()) : usd(o.pricePerHour(), o, currency);
          BigDecimal spot = listed != null && listed.getSpotPricePerHour() != null
              ? Money.parse(listed.getSpotPricePerHour()) : usd(o.spotPricePerHour(), o, currency);
          return new GpuOffer(o.gpuType(), o.providerName(), o.count(), o.memoryGiB(), Money.format(onDemand),
              Money.format(spot));
        })
        .sorted(Comparator.comparing(GpuOffer::getGpuType))
        .toList();
  }

  /** A catalogue price in USD: as it is, converted with the rate of its currency, or null without one. */
  private static BigDecimal usd(BigDecimal price, Offer offer, CurrencyRate currency) {
    if (price == null || offer.inUsd()) {
      return price;
    }
    if (currency == null || !currency.getCode().equalsIgnoreCase(offer.currency())) {
      return null;
    }
    return price.multiply(Money.parse(currency.getUsdPerUnit()));
  }
}
