package io.gpucompute.provider.local;

import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.provider.ProviderException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The hourly GPU prices of a ProviderConfig's {@code spec.prices}, looked up by type case-insensitively. */
final class PriceTable {

  private final Map<String, BigDecimal> pricesByType;

  private PriceTable(Map<String, BigDecimal> pricesByType) {
    this.pricesByType = Map.copyOf(pricesByType);
  }

  /**
   * Reads {@code spec.prices}.
   *
   * @throws ProviderException.InvalidRequest ({@code InvalidPrice}) when a price is not a decimal number
   */
  static PriceTable of(List<GpuPrice> prices) throws ProviderException.InvalidRequest {
    Map<String, BigDecimal> byType = new HashMap<>();
    for (GpuPrice price : prices == null ? List.<GpuPrice>of() : prices) {
      if (price == null || price.getGpuType() == null || price.getPricePerHour() == null) {
        continue;
      }
      try {
        byType.putIfAbsent(GpuInventory.typeKey(price.getGpuType()), new BigDecimal(price.getPricePerHour().strip()));
      } catch (NumberFormatException e) {
        throw new ProviderException.InvalidRequest("InvalidPrice", "spec.prices: the price of " + price.getGpuType()
            + " is '" + price.getPricePerHour() + "', not a decimal number such as \"1.89\"");
      }
    }
    return new PriceTable(byType);
  }

  /** USD per GPU-hour for {@code gpuType}, or null when none is set. */
  BigDecimal priceOf(String gpuType) {
    return pricesByType.get(GpuInventory.typeKey(gpuType));
  }
}
