package io.gpucompute.placement;

import java.time.Instant;

/**
 * An option a job skips for a while: the provider was out of stock for it, or reclaimed its spot workload.
 *
 * @param until when the option may be tried again
 * @param reason a CamelCase reason ({@code NoCapacity}, {@code Preempted})
 * @param message what the provider said, or null
 */
public record Skip(Instant until, String reason, String message) {

  /** A skip with no message of the provider's. */
  public Skip(Instant until, String reason) {
    this(until, reason, null);
  }

  /** Whether the skip still holds at {@code now}. */
  public boolean holds(Instant now) {
    return now.isBefore(until);
  }
}
