package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.job.Admission;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The GpuBudgets' say in a job's admission: the GpuJob reconciler asks it before the admission queue, with the
 * price per hour of where the job is about to run, and, while a job runs, whether a budget stops it.
 */
public interface BudgetGate {

  /** No budgets: asks the queue only, and stops nothing. */
  BudgetGate NONE = new BudgetGate() {
    @Override
    public Admission admit(GpuJob job, BigDecimal pricePerHour, Instant now, Supplier<Admission> queue) {
      return queue.get();
    }

    @Override
    public Optional<BudgetVerdicts.Refusal> stop(GpuJob job, Instant now) {
      return Optional.empty();
    }
  };

  /**
   * Whether {@code job} may start now at {@code pricePerHour}: when every budget that covers it allows it, the answer
   * of {@code queue} (the admission queue); else {@link Admission.Waiting} with reason {@code BudgetExceeded},
   * {@code GpuQuotaExceeded} or {@code PriceUnknown} and a message with the figures, and the queue is not asked.
   * When the queue admits the job, what it may cost is held against its budgets until its status shows it running.
   *
   * @param pricePerHour the job's price per hour where it is about to run (per-GPU price times its GPUs), or null
   *     when unknown
   */
  Admission admit(GpuJob job, BigDecimal pricePerHour, Instant now, Supplier<Admission> queue);

  /**
   * For a job that holds a workload: why it must stop now (a budget that covers it has {@code onExceeded:
   * StopRunning} and reached its limit), or empty.
   */
  Optional<BudgetVerdicts.Refusal> stop(GpuJob job, Instant now);
}
