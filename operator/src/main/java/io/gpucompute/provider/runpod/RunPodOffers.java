package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.provider.Offer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offers of a RunPod account: one per row of {@link RunPodGpuTypes} that RunPod's {@code gpuTypes} catalogue
 * lists and the cloud type can place, priced per GPU-hour in USD from that catalogue. Pure.
 */
final class RunPodOffers {

  private RunPodOffers() {}

  /**
   * @param gpuTypes the {@code gpuTypes} list
   * @param cloudType where pods go: SECURE takes {@code securePrice}, COMMUNITY {@code communityPrice}, ALL the higher
   *     of the two (RunPod may place the pod in either cloud, so the estimate does not undershoot)
   * @param priced false for serverless endpoints, which bill per second at rates the catalogue does not hold
   */
  static List<Offer> of(JsonNode gpuTypes, CloudType cloudType, boolean priced) {
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode type : gpuTypes) {
      byId.put(type.path("id").asText(), type);
    }
    List<Offer> offers = new ArrayList<>();
    for (RunPodGpuTypes.GpuType row : RunPodGpuTypes.all()) {
      JsonNode type = byId.get(row.runPodId());
      if (type == null || !placeable(type, cloudType)) {
        continue;
      }
      int memory = type.path("memoryInGb").asInt(0);
      offers.add(new Offer(row.token(), row.runPodId(), null, memory > 0 ? memory : row.memoryGiB(),
          priced ? price(type, cloudType, "securePrice", "communityPrice") : null,
          priced ? price(type, cloudType, "secureSpotPrice", "communitySpotPrice") : null, null));
    }
    return offers;
  }

  private static boolean placeable(JsonNode type, CloudType cloudType) {
    boolean secure = type.path("secureCloud").asBoolean(true);
    boolean community = type.path("communityCloud").asBoolean(true);
    return switch (cloudType) {
      case SECURE -> secure;
      case COMMUNITY -> community;
      case ALL -> secure || community;
    };
  }

  /** USD per GPU-hour on demand, or null when the catalogue has no positive price for the cloud type. */
  static BigDecimal price(JsonNode type, CloudType cloudType) {
    return price(type, cloudType, "securePrice", "communityPrice");
  }

  /**
   * USD per GPU-hour from the catalogue's fields {@code secureField} and {@code communityField} (on-demand or spot),
   * or null when it has no positive price for the cloud type.
   */
  static BigDecimal price(JsonNode type, CloudType cloudType, String secureField, String communityField) {
    BigDecimal secure = positive(type.path(secureField));
    BigDecimal community = positive(type.path(communityField));
    return switch (cloudType) {
      case SECURE -> secure;
      case COMMUNITY -> community;
      case ALL -> secure == null ? community : community == null ? secure : secure.max(community);
    };
  }

  private static BigDecimal positive(JsonNode price) {
    if (!price.isNumber() && !price.isTextual()) {
      return null;
    }
    try {
      BigDecimal value = new BigDecimal(price.asText().strip());
      return value.signum() > 0 ? value : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
