package io.gpucompute.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link GpuProvider} that passes every call to another through one {@link #intercept} method: the one place a
 * decorator (metrics, call limits) does its work, so that no decorator restates the contract method by method.
 */
public abstract class InterceptingProvider implements GpuProvider {

  /** A call to the provider underneath. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws ProviderException;
  }

  protected final GpuProvider delegate;

  protected InterceptingProvider(GpuProvider delegate) {
    this.delegate = delegate;
  }

  /**
   * Runs {@code call}, the provider operation {@code operation} ({@code probe}, {@code offers}, {@code submit},
   * {@code observe}, {@code observeAll}, {@code cancel}, {@code forget} or {@code list}).
   */
  protected abstract <T> T intercept(String operation, Call<T> call) throws ProviderException;

  /** What a probe comes to when {@link #intercept} refused it (a probe reports failures, it does not throw them). */
  protected ProbeResult probeRefused(ProviderException refusal) {
    return ProbeResult.notReady(refusal.reason(), refusal.getMessage());
  }

  @Override
  public ProbeResult probe() {
    try {
      return intercept("probe", delegate::probe);
    } catch (ProviderException e) {
      return probeRefused(e);
    }
  }

  @Override
  public List<Offer> offers() throws ProviderException {
    return intercept("offers", delegate::offers);
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    return intercept("submit", () -> delegate.submit(spec));
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    return intercept("observe", () -> delegate.observe(key));
  }

  @Override
  public Observation observe(WorkloadKey key, String recordedId) throws ProviderException {
    return intercept("observe", () -> delegate.observe(key, recordedId));
  }

  /**
   * An adapter's own bulk observation is one intercepted operation, {@code observeAll}; otherwise each workload is
   * observed through {@link #observe(WorkloadKey, String)}, so each real call to the provider is intercepted once.
   */
  @Override
  public Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
    if (delegate.observesInBulk()) {
      return intercept("observeAll", () -> delegate.observeAll(workloads));
    }
    return GpuProvider.super.observeAll(workloads);
  }

  @Override
  public boolean observesInBulk() {
    return delegate.observesInBulk();
  }

  @Override
  public boolean observesAllInFull() {
    return delegate.observesAllInFull();
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    intercept("cancel", () -> {
      delegate.cancel(key);
      return null;
    });
  }

  @Override
  public void cancel(WorkloadKey key, String recordedId) throws ProviderException {
    intercept("cancel", () -> {
      delegate.cancel(key, recordedId);
      return null;
    });
  }

  @Override
  public void forget(WorkloadKey key) throws ProviderException {
    intercept("forget", () -> {
      delegate.forget(key);
      return null;
    });
  }

  @Override
  public void forget(WorkloadKey key, String recordedId) throws ProviderException {
    intercept("forget", () -> {
      delegate.forget(key, recordedId);
      return null;
    });
  }

  @Override
  public boolean findsWorkloadsByKey() {
    return delegate.findsWorkloadsByKey();
  }

  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    return intercept("list", () -> delegate.listWorkloads(installation));
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
