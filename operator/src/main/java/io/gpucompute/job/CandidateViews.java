package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.cost.Money;
import io.gpucompute.placement.Candidate;
import io.gpucompute.placement.Skip;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a candidate ProviderConfig, as the caches show it, into the placement rule's {@link Candidate}: blocked or
 * not, whether it offers the job's GPU, its on-demand and spot prices in USD, and the job's skips of it. Pure.
 */
public final class CandidateViews {

  private CandidateViews() {}

  /**
   * @param job the job being placed
   * @param name the candidate's name
   * @param config the ProviderConfig of that name, if it exists
   * @param view what {@link ProviderResolver} found of it for the job
   * @param rank its place among the job's candidates
   */
  public static Candidate of(GpuJob job, String name, Optional<ProviderConfig> config, ProviderView view, int rank) {
    String label = view.label() == null ? name : view.label();
    String uid = config.map(pc -> pc.getMetadata().getUid()).orElse(null);
    Skip onDemandSkip = skip(job, name, false);
    Skip spotSkip = skip(job, name, true);
    if (view instanceof ProviderView.Blocked || config.isEmpty()) {
      ProviderView.Blocked b = view instanceof ProviderView.Blocked bv ? bv : null;
      return new Candidate(name, uid, label, rank, b == null ? JobReason.PROVIDER_CONFIG_NOT_FOUND.toString()
          : b.reason(), b == null ? "ProviderConfig " + name + " does not exist" : b.message(), true, null, null, false,
          onDemandSkip, spotSkip);
    }
    ProviderConfig pc = config.get();
    Optional<GpuOffer> offer = offerFor(pc, job.getSpec().getGpu());
    boolean listsOffers = pc.getStatus() != null && pc.getStatus().getOffers() != null
        && !pc.getStatus().getOffers().isEmpty();
    BigDecimal onDemand = offer.map(GpuOffer::getPricePerHour).map(Money::parse).orElse(null);
    BigDecimal spot = offer.map(GpuOffer::getSpotPricePerHour).map(Money::parse).orElse(null);
    return new Candidate(name, uid, label, rank, null, null, !listsOffers || offer.isPresent(), onDemand, spot,
        spotCapable(pc, spot), onDemandSkip, spotSkip);
  }

  /** The offer of the job's GPU type with enough memory per GPU, if the ProviderConfig lists one. */
  static Optional<GpuOffer> offerFor(ProviderConfig pc, GpuRequest gpu) {
    if (pc.getStatus() == null || pc.getStatus().getOffers() == null) {
      return Optional.empty();
    }
    return pc.getStatus().getOffers().stream()
        .filter(o -> gpu.getType().equalsIgnoreCase(o.getGpuType()))
        .filter(o -> gpu.getMemoryGiB() == null || o.getMemoryGiB() == null || o.getMemoryGiB() >= gpu.getMemoryGiB())
        .findFirst();
  }

  /**
   * Whether the ProviderConfig can run an attempt on spot capacity: RunPod pods where it prices spot for the type
   * (interruptible pods; not serverless endpoints), AlibabaECS always (spot instances), Kubernetes and TencentTKE where spot nodes are
   * configured; Local never.
   */
  static boolean spotCapable(ProviderConfig pc, BigDecimal spotPrice) {
    ProviderType type = pc.getSpec().getType();
    if (type == null) {
      return false;
    }
    return switch (type) {
      case RunPod -> spotPrice != null
          && (pc.getSpec().getRunpod() == null || pc.getSpec().getRunpod().getEndpointId() == null);
      case AlibabaECS -> true;
      case Kubernetes -> pc.getSpec().getKubernetes() != null && pc.getSpec().getKubernetes().getSpot() != null;
      case TencentTKE -> pc.getSpec().getTencent() != null && pc.getSpec().getTencent().getSpot() != null;
      default -> false;
    };
  }

  private static Skip skip(GpuJob job, String name, boolean spot) {
    var status = job.getStatus();
    if (status == null || status.getPlacement() == null) {
      return null;
    }
    return PlacementSkips.of(status.getPlacement().getSkips(), name, spot).orElse(null);
  }
}
