package io.gpucompute.provider;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A {@link GpuProvider} whose calls go through one ProviderConfig's {@link CallLimits}: a token bucket for the rate and
 * a bound on the calls in flight. A call that finds no room within a short wait fails at once with a
 * {@link ProviderException.Transient} ({@value #THROTTLED}), which the operator retries with backoff and jitter; so a
 * slow or hanging provider never holds more than its share of reconcile threads, and other ProviderConfigs are not
 * held up. A probe and a listing (of workloads, or observing them in bulk) wait longer, since they run rarely and a probe decides whether the ProviderConfig is
 * Ready.
 */
public final class GuardedProvider extends InterceptingProvider {

  /** The reason of a call refused by the limits. */
  public static final String THROTTLED = "ProviderThrottled";
  private static final Duration CALL_WAIT = Duration.ofMillis(250);
  private static final Duration RARE_CALL_WAIT = Duration.ofSeconds(10);
  private static final Set<String> RARE_CALLS = Set.of("probe", "list", "observeAll");

  private final String label;
  private final CallLimits limits;
  private final TokenBucket bucket;
  private final Semaphore inFlight;

  /**
   * @param label {@code <type>/<ProviderConfig name>}, for messages
   */
  public GuardedProvider(GpuProvider delegate, String label, CallLimits limits, TokenBucket.Clock clock) {
    super(delegate);
    this.label = label;
    this.limits = limits;
    this.bucket = limits.limited() ? new TokenBucket(limits.requestsPerSecond(), limits.burst(), clock) : null;
    this.inFlight = new Semaphore(limits.maxInFlight(), true);
  }

  @Override
  protected <T> T intercept(String operation, Call<T> call) throws ProviderException {
    Duration wait = RARE_CALLS.contains(operation) ? RARE_CALL_WAIT : CALL_WAIT;
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      if (bucket != null && !bucket.take(wait)) {
        throw new ProviderException.Transient(THROTTLED, label + ": " + operation + " held back: the operator calls it "
            + "at most " + limits.requestsPerSecond() + " times a second (spec.rateLimit); retrying", null);
      }
      long left = Math.max(0, deadline - System.nanoTime());
      if (!inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        throw new ProviderException.Transient(THROTTLED, label + ": " + operation + " held back: "
            + limits.maxInFlight() + " calls to it are in flight already (spec.rateLimit.maxInFlight); retrying", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Transient(THROTTLED, label + ": " + operation + " interrupted", e);
    }
    try {
      return call.call();
    } finally {
      inFlight.release();
    }
  }
}
