package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProviderException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalOffersTest {

  @Test
  void offersOnePerDeclaredTypeWithItsPrice() throws ProviderException {
    GpuInventory inventory = GpuInventory.choose(List.of(), List.of(new LocalGpu("A100", 2), new LocalGpu("T4", 1)));
    PriceTable prices = PriceTable.of(List.of(new GpuPrice("a100", "1.89")));

    assertThat(LocalOffers.of(inventory, prices)).containsExactly(
        new Offer("A100", "declared", 2, null, new BigDecimal("1.89")),
        new Offer("T4", "declared", 1, null, null));
  }

  @Test
  void offersGpusFromNvidiaSmiByTheirNameAndMemoryInWholeGiB() throws ProviderException {
    GpuInventory inventory = GpuInventory.choose(NvidiaSmiCsv.parse(LocalTestSupport.H200_LINE).devices(), List.of());

    assertThat(LocalOffers.of(inventory, PriceTable.of(List.of(new GpuPrice("H200", "3.50"))))).containsExactly(
        new Offer("H200", "NVIDIA H200", 1, 140, new BigDecimal("3.50")));
  }

  @Test
  void aPriceThatIsNoNumberIsAnInvalidRequest() {
    assertThatThrownBy(() -> PriceTable.of(List.of(new GpuPrice("A100", "cheap"))))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InvalidPrice"))
        .hasMessageContaining("A100").hasMessageContaining("'cheap'");
  }
}
