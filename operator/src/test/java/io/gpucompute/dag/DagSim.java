package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import io.gpucompute.operator.TestResources;
import io.gpucompute.api.v1alpha1.JobPhase;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DAG and its child GpuJobs in memory, planned by {@link DagPlanner}: what a reconciler and the GpuJob machinery
 * would do, without either. Each {@link #step} plans once and applies the plan as the reconciler would.
 */
final class DagSim {

  static final String NAME = "dag";

  final GpuDagSpec spec = new GpuDagSpec();
  final Map<String, ChildJobState> children = new LinkedHashMap<>();
  GpuDagStatus status;
  DagPlan last;
  long generation = 1;
  Instant now = Instant.parse("2025-01-10T09:00:00Z");
  final List<String> created = new ArrayList<>();

  DagSim() {
    GpuJobTemplate defaults = TestResources.localA100Defaults();
    defaults.setCommand(List.of("true"));
    spec.setDefaults(defaults);
  }

  /** Adds a task that depends on {@code dependsOn}. */
  DagSim task(String name, String... dependsOn) {
    spec.getTasks().add(DagTask.of(name, dependsOn));
    return this;
  }

  DagSituation situation() {
    return new DagSituation(generation, spec, status, Map.copyOf(children), now);
  }

  /** Plans once and applies the plan: creates children, sets their suspend flags, keeps the status. */
  DagPlan step() {
    now = now.plus(Duration.ofSeconds(1));
    last = DagPlanner.plan(NAME, situation());
    for (String task : last.create()) {
      if (children.containsKey(task)) {
        throw new AssertionError("task " + task + " started twice");
      }
      children.put(task, ChildJobState.CREATED);
      created.add(task);
    }
    last.suspend().forEach(task -> children.put(task, with(children.get(task), true)));
    last.resume().forEach(task -> children.put(task, with(children.get(task), false)));
    status = last.status();
    return last;
  }

  /** The child of {@code task} reaches {@code phase}, at {@code cost} USD accrued. */
  DagSim job(String task, JobPhase phase, String cost) {
    ChildJobState child = children.get(task);
    if (child == null) {
      throw new AssertionError("task " + task + " has no GpuJob");
    }
    children.put(task, new ChildJobState(true, phase, child.suspendRequested(), null,
        cost == null ? null : new BigDecimal(cost)));
    return this;
  }

  DagSim succeed(String... tasks) {
    for (String task : tasks) {
      job(task, JobPhase.Succeeded, "0.01");
    }
    return this;
  }

  DagSim fail(String... tasks) {
    for (String task : tasks) {
      job(task, JobPhase.Failed, "0.01");
    }
    return this;
  }

  /** Succeeds every running child and plans again, until the DAG has finished; returns the number of steps. */
  int runToEnd(int maxSteps) {
    int steps = 0;
    step();
    while (!status.getPhase().isTerminal()) {
      if (++steps > maxSteps) {
        throw new AssertionError("no end after " + maxSteps + " steps: " + status.getMessage());
      }
      children.replaceAll((task, child) -> child.taskPhase().isTerminal() ? child
          : new ChildJobState(true, JobPhase.Succeeded, false, null, new BigDecimal("0.01")));
      step();
    }
    return steps;
  }

  private static ChildJobState with(ChildJobState child, boolean suspend) {
    return new ChildJobState(true, child.phase(), suspend, child.estimatedCost(), child.accruedCost());
  }
}
