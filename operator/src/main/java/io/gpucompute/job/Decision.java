package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJobStatus;
import java.time.Duration;

/**
 * What {@link JobDecider} decided: the next status, one action, and when to look again.
 *
 * @param status the status to write once the action succeeded
 * @param action the one side effect to perform
 * @param requeueAfter when to reconcile again without an event, or null for only on events
 */
public record Decision(GpuJobStatus status, Action action, Duration requeueAfter) {

  /** The side effect a decision asks for. */
  public sealed interface Action {}

  /** Nothing to do. */
  public record None() implements Action {}

  /** Submit attempt {@code attempt} to the provider. */
  public record Submit(int attempt) implements Action {}

  /** Stop attempt {@code attempt}'s workload and release what it holds (idempotent). */
  public record StopWorkload(int attempt) implements Action {}

  /** Delete the GpuJob object (its TTL after finishing has passed). */
  public record DeleteJob() implements Action {}

  public static final Action NONE = new None();
}
