package io.gpucompute.provider;

import java.time.Duration;

/** A token bucket: {@code rate} tokens a second, at most {@code capacity} saved up. Thread-safe. */
public final class TokenBucket {

  /** The time source, in nanoseconds; {@link System#nanoTime} in production. */
  @FunctionalInterface
  public interface Clock {
    long nanoTime();

    /** The system's monotonic clock. */
    Clock SYSTEM = System::nanoTime;
  }

  private final double tokensPerNano;
  private final double capacity;
  private final Clock clock;
  private double tokens;
  private long last;

  public TokenBucket(int ratePerSecond, int capacity, Clock clock) {
    if (ratePerSecond <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("rate and capacity must be positive");
    }
    this.tokensPerNano = ratePerSecond / 1e9;
    this.capacity = capacity;
    this.clock = clock;
    this.tokens = capacity;
    this.last = clock.nanoTime();
  }

  /** Takes a token if one is there now; never waits. */
  public synchronized boolean tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Takes a token, waiting up to {@code wait} for one; false when none came in time. */
  public boolean take(Duration wait) throws InterruptedException {
    long deadline = clock.nanoTime() + wait.toNanos();
    while (true) {
      long needed;
      synchronized (this) {
        refill();
        if (tokens >= 1) {
          tokens -= 1;
          return true;
        }
        needed = (long) Math.ceil((1 - tokens) / tokensPerNano);
      }
      long now = clock.nanoTime();
      if (now + needed > deadline) {
        return false;
      }
      Thread.sleep(Math.max(1, needed / 1_000_000), (int) (needed % 1_000_000));
    }
  }

  private void refill() {
    long now = clock.nanoTime();
    tokens = Math.min(capacity, tokens + (now - last) * tokensPerNano);
    last = now;
  }
}
