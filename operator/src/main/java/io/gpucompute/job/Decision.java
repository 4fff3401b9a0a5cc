package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.provider.ProviderException;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link JobDecider} decided: the next status, one action, and when to look again. Nobody changes a decision or
 * its status once made; a later step (the outcome of a submit) is a new decision.
 *
 * @param status the status to write (for {@link Submit}: before the submit; otherwise once the action succeeded)
 * @param action the one side effect to perform
 * @param requeueAfter when to reconcile again without an event, or null for only on events
 * @param failure a provider failure to report once the status is written, so that the reconcile is retried with
 *     backoff; null for none
 */
public record Decision(GpuJobStatus status, Action action, Duration requeueAfter, ProviderException failure) {

  public Decision {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(action, "action");
  }

  /** A decision without a failure. */
  public Decision(GpuJobStatus status, Action action, Duration requeueAfter) {
    this(status, action, requeueAfter, null);
  }

  /** The side effect a decision asks for. */
  public sealed interface Action {}

  /** Nothing to do. */
  public record None() implements Action {}

  /**
   * Submit attempt {@code attempt}: its record in {@link #status} is written first (with optimistic concurrency),
   * and only then is the provider asked to create its workload. An attempt recorded already is submitted again
   * without a new record (the provider finds what it may have created).
   */
  public record Submit(int attempt) implements Action {}

  /**
   * Stop attempt {@code attempt}'s workload and release what it holds (idempotent). Decided only once the attempt's
   * outcome is saved; {@link #status} then marks the workload released.
   */
  public record Release(int attempt) implements Action {}

  /** Delete the GpuJob object (its TTL after finishing has passed). */
  public record DeleteJob() implements Action {}

  public static final Action NONE = new None();
}
