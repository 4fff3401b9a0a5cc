package io.gpucompute.metrics;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.InterceptingProvider;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * A {@link GpuProvider} that times every call into {@code gpucompute_provider_requests_seconds{provider,operation,
 * outcome}}. The outcome is {@code success}, or the {@link ProviderException} kind (e.g. {@code Transient}), or
 * {@code error} for anything else.
 */
final class MeteredProvider extends InterceptingProvider {

  private final String provider;
  private final MeterRegistry registry;

  MeteredProvider(GpuProvider delegate, String provider, MeterRegistry registry) {
    super(delegate);
    this.provider = provider;
    this.registry = registry;
  }

  @Override
  protected <T> T intercept(String operation, Call<T> call) throws ProviderException {
    long start = System.nanoTime();
    String outcome = "error";
    try {
      T result = call.call();
      outcome = "success";
      return result;
    } catch (ProviderException e) {
      outcome = e.getClass().getSimpleName();
      throw e;
    } finally {
      Timer.builder("gpucompute.provider.requests")
          .description("GpuProvider calls: probe, offers, submit, observe, observeAll, cancel, forget, list")
          .tags("provider", provider, "operation", operation, "outcome", outcome)
          .register(registry)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** A probe reports its failures itself; the one it could not report is a programming error. */
  @Override
  protected ProbeResult probeRefused(ProviderException refusal) {
    throw new IllegalStateException(refusal);
  }
}
