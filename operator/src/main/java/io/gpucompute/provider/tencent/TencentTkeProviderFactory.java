package io.gpucompute.provider.tencent;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.TencentProviderSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.provider.WorkloadLocks;
import io.gpucompute.provider.kubernetes.JobPlacement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds TencentTKE providers. Credentials: the Secret keys {@value #SECRET_ID} and {@value #SECRET_KEY} of a CAM
 * user allowed to call tke:DescribeClusters and tke:DescribeClusterKubeconfig. spec.region is required; spec.endpoint
 * overrides the TKE API endpoint.
 */
public final class TencentTkeProviderFactory implements ProviderFactory {

  /** The credentials Secret's key of the SecretId. */
  public static final String SECRET_ID = "secretId";
  /** The credentials Secret's key of the SecretKey. */
  public static final String SECRET_KEY = "secretKey";
  /** The pod annotation that picks the GPU on TKE super nodes. */
  public static final String GPU_TYPE_ANNOTATION = "eks.tke.cloud.tencent.com/gpu-type";
  /** The pod annotation that sets the GPU count on TKE super nodes. */
  public static final String GPU_COUNT_ANNOTATION = "eks.tke.cloud.tencent.com/gpu-count";

  /** The GPU types of TKE super nodes, by the job's type token; used when gpuNodeSelectors is unset. */
  static final Map<String, String> SUPER_NODE_GPU_TYPES = Map.of("T4", "T4", "V100", "V100", "A10", "A10*GNV4,A10*PNV4");

  private final Duration requestTimeout;
  private final WorkloadLocks locks = new WorkloadLocks();

  public TencentTkeProviderFactory() {
    this(Duration.ofSeconds(30));
  }

  /** @param requestTimeout the timeout of each call to the TKE API and the cluster's API server */
  public TencentTkeProviderFactory(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  @Override
  public ProviderType type() {
    return ProviderType.TencentTKE;
  }

  @Override
  public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    TencentProviderSpec tencent = spec.getTencent();
    if (tencent == null || tencent.getClusterId() == null || tencent.getNamespace() == null) {
      throw new ProviderException.InvalidRequest("TencentSettingsMissing",
          "type TencentTKE needs spec.tencent.clusterId and spec.tencent.namespace");
    }
    if (spec.getRegion() == null || spec.getRegion().isBlank()) {
      throw new ProviderException.InvalidRequest("RegionMissing", "type TencentTKE needs spec.region, such as ap-guangzhou");
    }
    TkeApi api = new TkeApi(credentials.require(SECRET_ID), credentials.require(SECRET_KEY), spec.getRegion(),
        spec.getEndpoint(), (int) Math.max(1, requestTimeout.toSeconds()));
    Map<String, Map<String, String>> annotations = new LinkedHashMap<>();
    Map<String, Map<String, String>> selectors = tencent.getGpuNodeSelectors();
    if (selectors == null || selectors.isEmpty()) {
      SUPER_NODE_GPU_TYPES.forEach((type, value) -> annotations.put(type,
          Map.of(GPU_TYPE_ANNOTATION, value, GPU_COUNT_ANNOTATION, "{count}")));
      selectors = Map.of();
    }
    JobPlacement placement = new JobPlacement(tencent.getNamespace(), selectors, annotations, List.of(), null, null,
        false, tencent.getSpot());
    return new TencentTkeProvider(configName, api, tencent.getClusterId(), tencent.getNamespace(),
        tencent.getExtranet() == null || tencent.getExtranet(), placement, requestTimeout, locks);
  }
}
