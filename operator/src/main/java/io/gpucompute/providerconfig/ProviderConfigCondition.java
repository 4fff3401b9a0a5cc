package io.gpucompute.providerconfig;

/** The condition types of a ProviderConfig. */
public final class ProviderConfigCondition {
  /** True when the config is valid, its Secret is found and the provider answers a probe. */
  public static final String READY = "Ready";

  private ProviderConfigCondition() {}
}
