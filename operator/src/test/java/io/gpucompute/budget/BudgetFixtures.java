package io.gpucompute.budget;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.BudgetPeriod;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuBudgetSpec;
import io.gpucompute.api.v1alpha1.GpuBudgetStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Budgets and budgeted jobs for the pure tests of this package. */
final class BudgetFixtures {

  static final Instant CREATED = Instant.parse("2025-12-01T08:00:00Z");
  static final Instant NOW = Instant.parse("2025-12-15T12:00:00Z");

  private BudgetFixtures() {}

  /** Budget {@code name} (uid {@code uid-<name>}) of {@code limit} USD a month in namespace team-a. */
  static GpuBudget budget(String name, String limit, Consumer<GpuBudgetSpec> spec) {
    GpuBudget budget = new GpuBudget();
    budget.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").withUid("uid-" + name)
        .withGeneration(1L).withCreationTimestamp(Timestamps.format(CREATED)).build());
    GpuBudgetSpec s = new GpuBudgetSpec();
    s.setLimit(limit);
    s.setPeriod(BudgetPeriod.Monthly);
    spec.accept(s);
    budget.setSpec(s);
    return budget;
  }

  static GpuBudget budget(String name, String limit) {
    return budget(name, limit, s -> {});
  }

  /** {@code budget} with a status. */
  static GpuBudget withStatus(GpuBudget budget, Consumer<GpuBudgetStatus> status) {
    GpuBudgetStatus s = new GpuBudgetStatus();
    status.accept(s);
    budget.setStatus(s);
    return budget;
  }

  /** A job that finished (Succeeded at {@link #NOW}) having cost {@code settled}. */
  static Job finished(String uid, String settled) {
    return new Job(uid).phase(JobPhase.Succeeded).completed(NOW).settled(settled).accrued(settled);
  }

  /** A job that runs now on one A100 at {@code pricePerHour}, its first attempt started at {@code since}. */
  static Job running(String uid, String pricePerHour, Instant since) {
    return new Job(uid).phase(JobPhase.Running).active(true).price(pricePerHour).startTime(since);
  }

  /** A mutable builder of {@link BudgetedJob}s. */
  static final class Job {
    String uid;
    Map<String, String> labels = new LinkedHashMap<>();
    String user = "oidc:alice";
    String provider = "Local/local";
    JobPhase phase = JobPhase.Pending;
    boolean active;
    boolean deleting;
    Instant completed;
    BigDecimal settled = BigDecimal.ZERO;
    BigDecimal accrued = BigDecimal.ZERO;
    BigDecimal price = new BigDecimal("1.10");
    String gpuType = "A100";
    int gpuCount = 1;
    Instant startTime;
    Long deadline;
    int attempts = 1;
    List<BudgetCharge> charges = new ArrayList<>();

    Job(String uid) {
      this.uid = uid;
    }

    Job phase(JobPhase value) {
      phase = value;
      return this;
    }

    Job active(boolean value) {
      active = value;
      return this;
    }

    Job deleting() {
      deleting = true;
      return this;
    }

    Job completed(Instant value) {
      completed = value;
      return this;
    }

    Job settled(String value) {
      settled = new BigDecimal(value);
      return this;
    }

    Job accrued(String value) {
      accrued = new BigDecimal(value);
      return this;
    }

    Job price(String value) {
      price = value == null ? null : new BigDecimal(value);
      return this;
    }

    Job startTime(Instant value) {
      startTime = value;
      return this;
    }

    Job deadline(long seconds) {
      deadline = seconds;
      return this;
    }

    Job gpus(String type, int count) {
      gpuType = type;
      gpuCount = count;
      return this;
    }

    Job user(String value) {
      user = value;
      return this;
    }

    Job label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    Job charged(String budgetUid, String amount) {
      charges.removeIf(c -> c.getBudgetUid().equals(budgetUid));
      charges.add(new BudgetCharge("b", budgetUid, amount, Timestamps.format(CREATED)));
      return this;
    }

    BudgetedJob build() {
      return new BudgetedJob(uid, "job-" + uid, Map.copyOf(labels), user, provider, phase, active, deleting, completed,
          settled, accrued, price, gpuType, gpuCount, startTime, deadline, attempts, List.copyOf(charges));
    }
  }

  /** The jobs by uid. */
  static Map<String, BudgetedJob> byUid(Job... jobs) {
    Map<String, BudgetedJob> map = new LinkedHashMap<>();
    for (Job job : jobs) {
      BudgetedJob built = job.build();
      map.put(built.uid(), built);
    }
    return map;
  }
}
