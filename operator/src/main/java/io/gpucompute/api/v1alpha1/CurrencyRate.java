package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * How a provider's catalogue prices in another currency become USD, so that offers of several providers compare.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class CurrencyRate {

  @Required
  @Pattern("^[A-Z]{3}$")
  @JsonPropertyDescription("The ISO 4217 code of the currency the provider's catalogue answers in, for example CNY.")
  private String code;

  @Required
  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("USD per unit of that currency, as a decimal string, for example \"0.14\" for CNY. Set by "
      + "whoever owns the ProviderConfig; the operator does not fetch exchange rates.")
  private String usdPerUnit;
}
