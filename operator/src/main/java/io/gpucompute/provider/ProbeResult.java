package io.gpucompute.provider;

/**
 * The outcome of {@link GpuProvider#probe}.
 *
 * @param ready whether the provider can take work
 * @param reason a CamelCase reason, such as {@code ProbeSucceeded} or {@code InvalidCredentials}
 * @param message what a person should know; never a secret value
 */
public record ProbeResult(boolean ready, String reason, String message) {

  /** The provider answered and can take work. */
  public static ProbeResult ready(String message) {
    return new ProbeResult(true, "ProbeSucceeded", message);
  }

  /** The provider cannot take work, for {@code reason}. */
  public static ProbeResult notReady(String reason, String message) {
    return new ProbeResult(false, reason, message);
  }
}
