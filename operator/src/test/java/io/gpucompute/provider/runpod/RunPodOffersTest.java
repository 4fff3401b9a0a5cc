package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.provider.Offer;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offers and prices from the {@code gpuTypes} catalogue (the stub's), per cloud type. */
class RunPodOffersTest {

  private static BigDecimal priceOf(List<Offer> offers, String type) {
    return offers.stream().filter(o -> o.gpuType().equals(type)).findFirst().orElseThrow().pricePerHour();
  }

  @Test
  void secureTakesTheSecurePriceAndSkipsTypesOnlyTheCommunityHas() {
    List<Offer> offers = RunPodOffers.of(RunPodStub.catalogue(), CloudType.SECURE, true);

    assertThat(priceOf(offers, "A100")).isEqualByComparingTo("1.64");
    assertThat(offers).extracting(Offer::providerName).doesNotContain("NVIDIA GeForce RTX 3070");
  }

  @Test
  void communityTakesTheCommunityPriceAndSkipsSecureOnlyTypes() {
    List<Offer> offers = RunPodOffers.of(RunPodStub.catalogue(), CloudType.COMMUNITY, true);

    assertThat(priceOf(offers, "A100")).isEqualByComparingTo("1.19");
    assertThat(offers).extracting(Offer::gpuType).doesNotContain("L4");
  }

  @Test
  void allTakesTheHigherPriceSoEstimatesDoNotUndershoot() {
    List<Offer> offers = RunPodOffers.of(RunPodStub.catalogue(), CloudType.ALL, true);

    assertThat(priceOf(offers, "A100")).isEqualByComparingTo("1.64");
    assertThat(priceOf(offers, "L4")).isEqualByComparingTo("0.43");
  }

  @Test
  void onlyTableTypesAreOfferedAndUnpricedForServerless() {
    List<Offer> offers = RunPodOffers.of(RunPodStub.catalogue(), CloudType.ALL, false);

    assertThat(offers).extracting(Offer::gpuType).containsExactly("A100", "H100", "L4", "A4000", "RTX4090");
    assertThat(offers).allSatisfy(o -> assertThat(o.pricePerHour()).isNull());
  }

  @Test
  void aMissingOrZeroPriceIsNoPrice() throws Exception {
    var catalogue = Json.MAPPER.readTree("[{\"id\":\"NVIDIA L4\",\"memoryInGb\":24,\"securePrice\":0,"
        + "\"communityPrice\":null,\"secureCloud\":true,\"communityCloud\":true}]");

    assertThat(RunPodOffers.of(catalogue, CloudType.ALL, true)).singleElement()
        .satisfies(o -> assertThat(o.pricePerHour()).isNull());
  }

  @Test
  void everyTableTokenIsUniqueIgnoringCaseAndFoundIgnoringCase() {
    assertThat(RunPodGpuTypes.tokens()).doesNotHaveDuplicates();
    assertThat(RunPodGpuTypes.find("rtx4090")).get().extracting(RunPodGpuTypes.GpuType::runPodId)
        .isEqualTo("NVIDIA GeForce RTX 4090");
    assertThat(RunPodGpuTypes.find("h200")).get().extracting(RunPodGpuTypes.GpuType::runPodId).isEqualTo("NVIDIA H200");
    assertThat(RunPodGpuTypes.find("TPU")).isEmpty();
  }
}
