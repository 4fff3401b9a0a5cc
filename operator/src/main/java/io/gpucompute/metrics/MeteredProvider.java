package io.gpucompute.metrics;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadListener;
import io.gpucompute.provider.WorkloadSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * A {@link GpuProvider} that times every call into {@code gpucompute_provider_requests_seconds{provider,operation,
 * outcome}}. The outcome is {@code success}, or the {@link ProviderException} kind (e.g. {@code Transient}), or
 * {@code error} for anything else.
 */
final class MeteredProvider implements GpuProvider {

  private final GpuProvider delegate;
  private final String provider;
  private final MeterRegistry registry;

  MeteredProvider(GpuProvider delegate, String provider, MeterRegistry registry) {
    this.delegate = delegate;
    this.provider = provider;
    this.registry = registry;
  }

  @FunctionalInterface
  private interface Call<T> {
    T call() throws ProviderException;
  }

  private <T> T timed(String operation, Call<T> call) throws ProviderException {
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
          .description("GpuProvider calls: probe, offers, submit, observe, cancel")
          .tags("provider", provider, "operation", operation, "outcome", outcome)
          .register(registry)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public ProbeResult probe() {
    try {
      return timed("probe", delegate::probe);
    } catch (ProviderException e) {
      throw new IllegalStateException(e); // probe() declares no ProviderException: unreachable
    }
  }

  @Override
  public List<Offer> offers() throws ProviderException {
    return timed("offers", delegate::offers);
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    return timed("submit", () -> delegate.submit(spec));
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    return timed("observe", () -> delegate.observe(key));
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    timed("cancel", () -> {
      delegate.cancel(key);
      return null;
    });
  }

  @Override
  public void forget(WorkloadKey key) throws ProviderException {
    timed("forget", () -> {
      delegate.forget(key);
      return null;
    });
  }

  @Override
  public void watch(WorkloadListener listener) {
    delegate.watch(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
