package io.gpucompute.provider.alibaba;

import io.gpucompute.api.v1alpha1.AlibabaProviderSpec;
import io.gpucompute.api.v1alpha1.AlibabaProviderSpec.SpotStrategy;
import io.gpucompute.api.v1alpha1.CurrencyRate;
import io.gpucompute.cost.Money;
import io.gpucompute.provider.SpotRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How one attempt's ECS instance is bought, per job: pay-as-you-go ({@code NoSpot}) for an on-demand attempt; for a
 * spot attempt {@code SpotWithPriceLimit} when the job or the ProviderConfig sets a limit (the lower wins), else
 * {@code SpotAsPriceGo}. The job's limit is USD per GPU-hour; ECS takes a limit per instance-hour in the account's
 * currency, so it is multiplied by the GPU count and converted with the ProviderConfig's rate. Pure.
 *
 * @param strategy the RunInstances SpotStrategy
 * @param priceLimit the SpotPriceLimit per instance-hour in the account's currency, or null
 */
record SpotTerms(String strategy, BigDecimal priceLimit) {

  static final SpotTerms PAY_AS_YOU_GO = new SpotTerms(SpotStrategy.NoSpot.name(), null);

  /**
   * @param spot the attempt's spot request, null for on demand
   * @param gpuCount the instance's GPUs
   * @param config the ProviderConfig's Alibaba settings (spotStrategy, spotPriceLimit)
   * @param currency the account currency's rate, or null for an account in USD
   */
  static SpotTerms of(SpotRequest spot, int gpuCount, AlibabaProviderSpec config, CurrencyRate currency) {
    if (spot == null) {
      return PAY_AS_YOU_GO;
    }
    BigDecimal configured = config.getSpotStrategy() == SpotStrategy.SpotWithPriceLimit
        ? Money.parse(config.getSpotPriceLimit()) : null;
    BigDecimal jobs = spot.maxPricePerGpuHour() == null ? null
        : inAccountCurrency(spot.maxPricePerGpuHour().multiply(BigDecimal.valueOf(gpuCount)), currency);
    BigDecimal limit = configured == null ? jobs : jobs == null ? configured : configured.min(jobs);
    return limit == null ? new SpotTerms(SpotStrategy.SpotAsPriceGo.name(), null)
        : new SpotTerms(SpotStrategy.SpotWithPriceLimit.name(), limit);
  }

  boolean onSpot() {
    return !SpotStrategy.NoSpot.name().equals(strategy);
  }

  private static BigDecimal inAccountCurrency(BigDecimal usd, CurrencyRate currency) {
    if (currency == null) {
      return usd;
    }
    return usd.divide(Money.parse(currency.getUsdPerUnit()), 4, RoundingMode.DOWN);
  }
}
