package io.gpucompute.budget;

import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.cost.Money;
import io.gpucompute.job.AttemptBindings;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What budgets need of one GpuJob, read from its cached object. Pure.
 *
 * @param uid the job's uid
 * @param name the job's name
 * @param labels its labels (never null)
 * @param user who submitted it ({@link SubmittedBy})
 * @param provider where it runs or ran, {@code <type>/<ProviderConfig>}, or "unknown"
 * @param phase its phase (Pending before the first status)
 * @param active whether it holds a workload now (from the record of an attempt until its release)
 * @param deleting whether it is being deleted
 * @param completed when it reached Succeeded or Failed, or null
 * @param settled what its finished attempts cost (status.settledCost), zero when unset
 * @param accrued what it cost so far, the running attempt included (status.accruedCost), zero when unset
 * @param pricePerHour its price per hour while it runs, or null when unknown
 * @param gpuType its GPU type
 * @param gpuCount how many GPUs it needs
 * @param startTime when its first attempt started (its deadline counts from there), or null
 * @param deadlineSeconds spec.activeDeadlineSeconds, or null
 * @param attempts how many attempts it started
 * @param charges what each budget has counted of it (status.budgets; never null)
 */
public record BudgetedJob(String uid, String name, Map<String, String> labels, String user, String provider,
    JobPhase phase, boolean active, boolean deleting, Instant completed, BigDecimal settled, BigDecimal accrued,
    BigDecimal pricePerHour, String gpuType, int gpuCount, Instant startTime, Long deadlineSeconds, int attempts,
    List<BudgetCharge> charges) {

  /** The provider of a job that has none in its status yet. */
  static final String NO_PROVIDER = "unknown";

  /** The view of {@code job}. */
  public static BudgetedJob of(GpuJob job) {
    GpuJobStatus status = job.getStatus() == null ? new GpuJobStatus() : job.getStatus();
    // A spec is required; only an object stored before the CRD said so lacks one.
    GpuJobSpec spec = job.getSpec() == null ? new GpuJobSpec() : job.getSpec();
    GpuRequest gpu = spec.getGpu() == null ? new GpuRequest() : spec.getGpu();
    Map<String, String> labels = job.getMetadata().getLabels();
    return new BudgetedJob(job.getMetadata().getUid(), job.getMetadata().getName(),
        labels == null ? Map.of() : labels, SubmittedBy.of(job),
        status.getProvider() == null ? NO_PROVIDER : status.getProvider(),
        status.getPhase() == null ? JobPhase.Pending : status.getPhase(),
        AttemptBindings.unreleased(job).isPresent(), job.getMetadata().getDeletionTimestamp() != null,
        Timestamps.parse(status.getCompletionTime()), Money.parseOrZero(status.getSettledCost()), Money.parseOrZero(status.getAccruedCost()),
        Money.parse(status.getPricePerHour()), gpu.getType(), gpu.getCount() == null ? 0 : gpu.getCount(),
        Timestamps.parse(status.getStartTime()), spec.getActiveDeadlineSeconds(),
        status.getAttempts() == null ? 0 : status.getAttempts(),
        status.getBudgets() == null ? List.of() : status.getBudgets());
  }

  /**
   * What of the job's cost a budget counts: its finished attempts; for a job being deleted, what it accrued, since
   * the attempt it runs ends with it and no later status will settle it.
   */
  public BigDecimal chargeable() {
    return deleting && accrued.compareTo(settled) > 0 ? accrued : settled;
  }

  /** What the running attempt has accrued so far (in whole minutes), zero when none runs. */
  public BigDecimal running() {
    BigDecimal running = accrued.subtract(settled);
    return active && running.signum() > 0 ? running : BigDecimal.ZERO;
  }

  /** What the budget of uid {@code budgetUid} counted of this job, by the job's own record; zero when none. */
  public BigDecimal chargedBy(String budgetUid) {
    return charge(budgetUid).map(c -> Money.parseOrZero(c.getCharged())).orElse(BigDecimal.ZERO);
  }

  /** The job's record of the budget of uid {@code budgetUid}, if it has one. */
  public Optional<BudgetCharge> charge(String budgetUid) {
    return charges.stream().filter(c -> budgetUid.equals(c.getBudgetUid())).findFirst();
  }

  /** Whether the job carries every one of {@code selector}'s labels (an empty selector matches every job). */
  public boolean hasLabels(Map<String, String> selector) {
    return selector == null || selector.entrySet().stream()
        .allMatch(e -> e.getValue() != null && e.getValue().equals(labels.get(e.getKey())));
  }
}
