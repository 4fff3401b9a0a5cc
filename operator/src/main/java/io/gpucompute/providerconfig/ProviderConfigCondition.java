package io.gpucompute.providerconfig;

/** The condition types of a ProviderConfig. */
public final class ProviderConfigCondition {
  /** True when the config is valid, its Secret is found and the provider answers a probe. */
  public static final String READY = "Ready";
  /**
   * True when Ready is False for a reason only a person can fix: a spec, Secret or credentials the provider
   * refuses (kstatus). Jobs that use the ProviderConfig are then Stalled too, rather than waiting for it.
   */
  public static final String STALLED = "Stalled";

  private ProviderConfigCondition() {}
}
