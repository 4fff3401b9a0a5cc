package io.gpucompute.provider.alibaba;

import io.gpucompute.api.v1alpha1.AlibabaProviderSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.provider.WorkloadLocks;

/**
 * Builds AlibabaECS providers. The key pair is the credentials Secret's keys {@value #ACCESS_KEY_ID} and
 * {@value #ACCESS_KEY_SECRET}; spec.region is required, spec.endpoint overrides Alibaba's regional endpoint, and
 * spec.alibaba holds the network, image and instance types. Every provider of this factory shares the per-workload
 * locks, so a ProviderConfig edit (a new provider) keeps them.
 */
public final class AlibabaEcsProviderFactory implements ProviderFactory {

  /** The credentials Secret's key that holds the AccessKey id. */
  public static final String ACCESS_KEY_ID = "accessKeyId";
  /** The credentials Secret's key that holds the AccessKey secret. */
  public static final String ACCESS_KEY_SECRET = "accessKeySecret";
  /** The image family used when spec.alibaba.imageId is unset. */
  static final String DEFAULT_IMAGE_FAMILY = "acs:ubuntu_22_04_x64";

  private final AlibabaSettings settings;
  private final WorkloadLocks locks = new WorkloadLocks();

  public AlibabaEcsProviderFactory() {
    this(AlibabaSettings.DEFAULT);
  }

  public AlibabaEcsProviderFactory(AlibabaSettings settings) {
    this.settings = settings;
  }

  @Override
  public ProviderType type() {
    return ProviderType.AlibabaECS;
  }

  @Override
  public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    AlibabaProviderSpec alibaba = spec.getAlibaba();
    if (alibaba == null || blank(alibaba.getSecurityGroupId()) || blank(alibaba.getVSwitchId())) {
      throw new ProviderException.InvalidRequest("ConfigInvalid", "type AlibabaECS needs spec.alibaba with "
          + "securityGroupId and vSwitchId");
    }
    if (blank(spec.getRegion())) {
      throw new ProviderException.InvalidRequest("ConfigInvalid", "type AlibabaECS needs spec.region, for example "
          + "cn-hangzhou");
    }
    EcsApi api = new EcsApi(spec.getRegion(), credentials.require(ACCESS_KEY_ID), credentials.require(ACCESS_KEY_SECRET),
        spec.getEndpoint(), settings);
    return new AlibabaEcsProvider(configName, api, alibaba, settings, locks, spec.getCurrency());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
