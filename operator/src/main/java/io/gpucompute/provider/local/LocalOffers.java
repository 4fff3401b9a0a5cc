package io.gpucompute.provider.local;

import io.gpucompute.provider.Offer;
import java.util.List;
import java.util.Objects;

/** The offers of a host: one per GPU type of its inventory. Pure. */
final class LocalOffers {

  /** The {@code providerName} of declared GPUs, which have no name of their own. */
  static final String DECLARED_NAME = "declared";

  private LocalOffers() {}

  static List<Offer> of(GpuInventory inventory, PriceTable prices) {
    return inventory.byType().values().stream().map(group -> offer(group, prices)).toList();
  }

  private static Offer offer(List<GpuDevice> group, PriceTable prices) {
    GpuDevice first = group.get(0);
    Integer memoryGiB = group.stream().map(GpuDevice::memoryGiB).filter(Objects::nonNull)
        .min(Integer::compare).orElse(null);
    String providerName = first.name() != null ? first.name() : DECLARED_NAME;
    return new Offer(first.type(), providerName, group.size(), memoryGiB, prices.priceOf(first.type()));
  }
}
