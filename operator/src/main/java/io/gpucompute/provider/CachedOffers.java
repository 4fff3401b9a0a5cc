package io.gpucompute.provider;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A {@link GpuProvider} whose catalogue ({@link #offers}) is fetched at most once per time to live and otherwise
 * answered from memory: a ProviderConfig is reconciled whenever its jobs start or stop, and under a burst that asked
 * the provider for its prices many times a second. The cache lives as long as the provider, which the registry
 * rebuilds when its ProviderConfig's spec or credentials change, so a change is seen at once. A call that fails for a
 * reason about prices drops it, so the next reconcile asks again.
 */
public final class CachedOffers extends InterceptingProvider {

  private record Fetched(List<Offer> offers, long atNanos) {}

  private final long ttlNanos;
  private final TokenBucket.Clock clock;
  private volatile Fetched fetched;

  /**
   * @param ttl how long fetched offers are used; zero fetches them every time
   */
  public CachedOffers(GpuProvider delegate, Duration ttl, TokenBucket.Clock clock) {
    super(delegate);
    this.ttlNanos = ttl.toNanos();
    this.clock = clock;
  }

  @Override
  public List<Offer> offers() throws ProviderException {
    Fetched last = fetched;
    if (last != null && clock.nanoTime() - last.atNanos() < ttlNanos) {
      return last.offers();
    }
    synchronized (this) {
      last = fetched;
      long now = clock.nanoTime();
      if (last != null && now - last.atNanos() < ttlNanos) {
        return last.offers();
      }
      List<Offer> offers = List.copyOf(intercept("offers", delegate::offers));
      fetched = new Fetched(offers, now);
      return offers;
    }
  }

  @Override
  protected <T> T intercept(String operation, Call<T> call) throws ProviderException {
    try {
      return call.call();
    } catch (ProviderException e) {
      if (aboutPrices(e)) {
        fetched = null;
      }
      throw e;
    }
  }

  /** Whether a provider's refusal is about prices (a spot price limit, a price that changed): its reason says so. */
  static boolean aboutPrices(ProviderException e) {
    return e.reason() != null && e.reason().toLowerCase(Locale.ROOT).contains("price");
  }
}
