package io.gpucompute.provider;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;

/** Builds the {@link GpuProvider} of one provider type from a ProviderConfig's spec and credentials. */
public interface ProviderFactory {

  /** The provider type this factory builds. */
  ProviderType type();

  /**
   * Builds a provider for one ProviderConfig.
   *
   * @param configName the ProviderConfig's name
   * @param spec its spec
   * @param credentials the data of its credentials Secret, or {@link Credentials#NONE}
   * @throws ProviderException.InvalidRequest when the spec lacks what this type needs
   */
  GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials) throws ProviderException;
}
