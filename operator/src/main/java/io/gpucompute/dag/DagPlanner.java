package io.gpucompute.dag;

import io.fabric8.kubernetes.api.model.Condition;
import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.DagTaskCounts;
import io.gpucompute.api.v1alpha1.DagTaskLists;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.cost.Money;
import io.gpucompute.status.Conditions;
import io.gpucompute.status.StatusCopies;
import io.gpucompute.status.Timestamps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a GpuDag's next status and which child GpuJobs to create, suspend or resume, from its graph, its previous
 * status and what its children show. Pure: no I/O, no clock of its own; {@code DagPlannerTest} covers it with tables.
 * O(tasks + dependencies) per call.
 *
 * <p>A task's phase comes from its GpuJob when one exists. Without one, the previous status is the memory: a task
 * recorded as finished stays finished (its GpuJob was deleted afterwards), and a task recorded as started is Failed
 * (its GpuJob was deleted before it finished). A task is never started twice.
 */
public final class DagPlanner {

  private DagPlanner() {}

  /** The next status and the GpuJobs to create, suspend and resume. */
  public static DagPlan plan(DagGraph graph, DagSituation situation) {
    return plan(graph, situation, true);
  }

  /**
   * The status as {@code situation} shows it, starting nothing: for a reconciler that could not create every GpuJob
   * of its plan, and reports what exists instead.
   */
  public static DagPlan statusOnly(DagGraph graph, DagSituation situation) {
    return plan(graph, situation, false);
  }

  /** Checks the graph and plans in one call. */
  public static DagPlan plan(String dagName, DagSituation situation) {
    return plan(DagGraph.compile(dagName, situation.spec()), situation);
  }

  private static DagPlan plan(DagGraph graph, DagSituation situation, boolean mayStart) {
    GpuDagStatus previous = situation.previous();
    if (previous != null && previous.getPhase() != null && previous.getPhase().isTerminal()) {
      GpuDagStatus same = StatusCopies.deepCopy(previous);
      same.setObservedGeneration(situation.generation());
      return new DagPlan(same, List.of(), List.of(), List.of());
    }
    if (!graph.isValid()) {
      return new DagPlan(invalid(graph, situation), List.of(), List.of(), List.of());
    }
    return new Planning(graph, situation).run(mayStart);
  }

  /** One planning pass over a valid graph. */
  private static final class Planning {
    private final DagGraph graph;
    private final DagSituation situation;
    private final GpuDagSpec spec;
    private final TaskPhase[] phases;
    private final List<String> conflicts = new ArrayList<>();
    private final boolean[] conflicted;
    private final List<String> vanished = new ArrayList<>();

    Planning(DagGraph graph, DagSituation situation) {
      this.graph = graph;
      this.situation = situation;
      this.spec = situation.spec();
      this.phases = new TaskPhase[graph.size()];
      this.conflicted = new boolean[graph.size()];
    }

    DagPlan run(boolean mayStart) {
      observe();
      boolean failFastStop = spec.effectiveFailFast() && contains(TaskPhase.Failed);
      skip(failFastStop);
      List<String> create = mayStart && !spec.suspended() && !failFastStop ? start() : List.of();
      List<String> suspend = new ArrayList<>();
      List<String> resume = new ArrayList<>();
      for (int i = 0; i < phases.length; i++) {
        ChildJobState child = situation.children().get(graph.names().get(i));
        if (child != null && child.owned() && phases[i].isActive() && child.suspendRequested() != spec.suspended()) {
          (spec.suspended() ? suspend : resume).add(graph.names().get(i));
        }
      }
      return new DagPlan(status(failFastStop), create, suspend, resume);
    }

    /** Each task's phase from its GpuJob, or from the previous status when it has none. */
    private void observe() {
      Map<String, TaskPhase> recorded = recordedStarts(situation.previous());
      for (int i = 0; i < phases.length; i++) {
        String name = graph.names().get(i);
        ChildJobState child = situation.children().get(name);
        if (child != null && !child.owned()) {
          conflicts.add(name);
          conflicted[i] = true;
          phases[i] = TaskPhase.Pending;
        } else if (child != null) {
          phases[i] = child.taskPhase();
        } else {
          TaskPhase before = recorded.get(name);
          if (before == TaskPhase.Succeeded || before == TaskPhase.Failed) {
            phases[i] = before;
          } else if (before != null) {
            vanished.add(name);
            phases[i] = TaskPhase.Failed;
          } else {
            phases[i] = TaskPhase.Pending;
          }
        }
      }
    }

    /** Marks Skipped the pending tasks that can no longer run, in topological order so skips propagate. */
    private void skip(boolean failFastStop) {
      for (int i : graph.order()) {
        if (phases[i] != TaskPhase.Pending) {
          continue;
        }
        if (failFastStop) {
          phases[i] = TaskPhase.Skipped;
          continue;
        }
        for (int d : graph.dependencies(i)) {
          if (phases[d] == TaskPhase.Failed || phases[d] == TaskPhase.Skipped) {
            phases[i] = TaskPhase.Skipped;
            break;
          }
        }
      }
    }

    /** The ready tasks to start, in spec order, up to the free places under parallelism. */
    private List<String> start() {
      long active = 0;
      for (TaskPhase phase : phases) {
        active += phase.isActive() ? 1 : 0;
      }
      long free = spec.getParallelism() == null ? Long.MAX_VALUE : spec.getParallelism() - active;
      List<String> create = new ArrayList<>();
      for (int i = 0; i < phases.length && free > 0; i++) {
        if (phases[i] == TaskPhase.Pending && !conflicted[i] && dependenciesSucceeded(i)) {
          phases[i] = TaskPhase.Running;
          create.add(graph.names().get(i));
          free--;
        }
      }
      return create;
    }

    private boolean dependenciesSucceeded(int i) {
      for (int d : graph.dependencies(i)) {
        if (phases[d] != TaskPhase.Succeeded) {
          return false;
        }
      }
      return true;
    }

    private boolean contains(TaskPhase wanted) {
      for (TaskPhase phase : phases) {
        if (phase == wanted) {
          return true;
        }
      }
      return false;
    }

    private GpuDagStatus status(boolean failFastStop) {
      GpuDagStatus previous = situation.previous();
      GpuDagStatus status = new GpuDagStatus();
      Map<TaskPhase, List<String>> byPhase = new EnumMap<>(TaskPhase.class);
      for (TaskPhase phase : TaskPhase.values()) {
        byPhase.put(phase, new ArrayList<>());
      }
      for (int i = 0; i < phases.length; i++) {
        byPhase.get(phases[i]).add(graph.names().get(i));
      }
      int total = phases.length;
      int succeeded = byPhase.get(TaskPhase.Succeeded).size();
      int failed = byPhase.get(TaskPhase.Failed).size();
      int skipped = byPhase.get(TaskPhase.Skipped).size();
      int active = byPhase.get(TaskPhase.Running).size() + byPhase.get(TaskPhase.Suspended).size();
      status.setCounts(new DagTaskCounts(total, byPhase.get(TaskPhase.Pending).size(),
          byPhase.get(TaskPhase.Running).size(), byPhase.get(TaskPhase.Suspended).size(), succeeded, failed, skipped));
      status.setTasks(lists(byPhase));
      status.setProgress(succeeded + "/" + total);
      status.setObservedGeneration(situation.generation());
      rollUpCosts(status);

      boolean started = total > byPhase.get(TaskPhase.Pending).size() + skipped;
      DagPhase phase;
      DagReason reason;
      String message;
      boolean stalled = false;
      if (succeeded == total) {
        phase = DagPhase.Succeeded;
        reason = DagReason.COMPLETED;
        message = "all " + total + " task" + plural(total) + " succeeded";
      } else if (succeeded + failed + skipped == total) {
        phase = DagPhase.Failed;
        reason = DagReason.TASKS_FAILED;
        message = failed + " task" + plural(failed) + " failed: " + failures(byPhase) + "; " + skipped + " skipped; "
            + succeeded + " of " + total + " succeeded";
      } else if (spec.suspended()) {
        phase = DagPhase.Suspended;
        reason = DagReason.SUSPENDED;
        message = "spec.suspend is true: no task starts; " + summary(byPhase, total);
      } else if (!conflicts.isEmpty()) {
        phase = started ? DagPhase.Running : DagPhase.Pending;
        reason = DagReason.JOB_NAME_CONFLICT;
        stalled = true;
        message = "GpuJobs that this DAG would create exist and are not its own, so their tasks cannot start: "
            + DagGraph.list(conflicts) + " (GpuJob <dag>-<task>); delete them, or rename the DAG";
      } else if (failFastStop) {
        phase = DagPhase.Running;
        reason = DagReason.WAITING_FOR_RUNNING_TASKS;
        message = failed + " task" + plural(failed) + " failed (" + failures(byPhase) + ") and failFast is on: no new "
            + "task starts; waiting for " + active + " running task" + plural(active) + " to finish";
      } else {
        phase = DagPhase.Running;
        reason = DagReason.TASKS_RUNNING;
        message = summary(byPhase, total);
      }
      status.setPhase(phase);
      status.setMessage(message);
      status.setConditions(conditions(previous == null ? null : previous.getConditions(), phase, stalled, reason,
          message, situation));
      String startTime = previous == null ? null : previous.getStartTime();
      status.setStartTime(startTime != null ? startTime : started ? Timestamps.format(situation.now()) : null);
      if (phase.isTerminal()) {
        String completion = previous == null ? null : previous.getCompletionTime();
        status.setCompletionTime(completion != null ? completion : Timestamps.format(situation.now()));
      }
      return status;
    }

    private String failures(Map<TaskPhase, List<String>> byPhase) {
      List<String> failed = byPhase.get(TaskPhase.Failed);
      List<String> described = new ArrayList<>(Math.min(failed.size(), DagGraph.NAMES_SHOWN));
      for (String name : failed) {
        described.add(vanished.contains(name) ? name + " (its GpuJob was deleted before it finished)" : name);
        if (described.size() == DagGraph.NAMES_SHOWN) {
          break;
        }
      }
      String shown = String.join(", ", described);
      return failed.size() > described.size() ? shown + " and " + (failed.size() - described.size()) + " more" : shown;
    }

    private void rollUpCosts(GpuDagStatus status) {
      BigDecimal estimated = null;
      BigDecimal accrued = null;
      for (ChildJobState child : situation.children().values()) {
        if (!child.owned()) {
          continue;
        }
        if (child.estimatedCost() != null) {
          estimated = estimated == null ? child.estimatedCost() : estimated.add(child.estimatedCost());
        }
        if (child.accruedCost() != null) {
          accrued = accrued == null ? child.accruedCost() : accrued.add(child.accruedCost());
        }
      }
      status.setEstimatedCost(Money.formatCost(estimated));
      status.setAccruedCost(Money.formatCost(accrued));
    }
  }

  /**
   * The status of a DAG whose graph cannot run: Stalled, with the graph's problem. The task lists and counts show the
   * spec's tasks as pending if nothing has started yet, and stay as they were otherwise.
   */
  private static GpuDagStatus invalid(DagGraph graph, DagSituation situation) {
    GpuDagStatus previous = situation.previous();
    GpuDagStatus status = previous == null ? new GpuDagStatus() : StatusCopies.deepCopy(previous);
    DagGraph.Problem problem = graph.problem().orElseThrow();
    if (status.getPhase() == null) {
      status.setPhase(DagPhase.Pending);
    }
    if (status.getStartTime() == null) { // nothing started: every task of this spec is pending
      int total = graph.size();
      status.setCounts(new DagTaskCounts(total, total, 0, 0, 0, 0, 0));
      DagTaskLists lists = new DagTaskLists();
      lists.getPending().addAll(graph.names());
      status.setTasks(lists);
      status.setProgress("0/" + total);
    }
    status.setObservedGeneration(situation.generation());
    status.setMessage(problem.message());
    status.setConditions(conditions(status.getConditions(), status.getPhase(), true, problem.reason(),
        problem.message(), situation));
    return status;
  }

  /** The four conditions, always all present and in one order, like a GpuJob's. */
  private static List<Condition> conditions(List<Condition> before, DagPhase phase, boolean stalled, DagReason reason,
      String message, DagSituation situation) {
    Long generation = situation.generation();
    var now = situation.now();
    String why = reason.toString();
    List<Condition> conditions = Conditions.with(before, DagCondition.COMPLETE, phase == DagPhase.Succeeded, why,
        message, generation, now);
    conditions = Conditions.with(conditions, DagCondition.FAILED, phase == DagPhase.Failed, why, message,
        generation, now);
    boolean reconciling = !stalled && !phase.isTerminal() && phase != DagPhase.Suspended;
    conditions = Conditions.with(conditions, DagCondition.RECONCILING, reconciling, why, message, generation, now);
    // kstatus reads Stalled=True as "failed"; without it a Failed DAG would look Current (healthy) to Flux.
    return Conditions.with(conditions, DagCondition.STALLED, stalled || phase == DagPhase.Failed, why, message,
        generation, now);
  }

  /** The tasks the previous status recorded as started (Running, Suspended, Succeeded or Failed), by name. */
  private static Map<String, TaskPhase> recordedStarts(GpuDagStatus previous) {
    if (previous == null || previous.getTasks() == null) {
      return Map.of();
    }
    DagTaskLists lists = previous.getTasks();
    Map<String, TaskPhase> recorded = new HashMap<>();
    lists.getRunning().forEach(name -> recorded.put(name, TaskPhase.Running));
    lists.getSuspended().forEach(name -> recorded.put(name, TaskPhase.Suspended));
    lists.getSucceeded().forEach(name -> recorded.put(name, TaskPhase.Succeeded));
    lists.getFailed().forEach(name -> recorded.put(name, TaskPhase.Failed));
    return recorded;
  }

  private static DagTaskLists lists(Map<TaskPhase, List<String>> byPhase) {
    DagTaskLists lists = new DagTaskLists();
    lists.setPending(byPhase.get(TaskPhase.Pending));
    lists.setRunning(byPhase.get(TaskPhase.Running));
    lists.setSuspended(byPhase.get(TaskPhase.Suspended));
    lists.setSucceeded(byPhase.get(TaskPhase.Succeeded));
    lists.setFailed(byPhase.get(TaskPhase.Failed));
    lists.setSkipped(byPhase.get(TaskPhase.Skipped));
    return lists;
  }

  private static String summary(Map<TaskPhase, List<String>> byPhase, int total) {
    StringBuilder text = new StringBuilder()
        .append(byPhase.get(TaskPhase.Succeeded).size()).append(" of ").append(total).append(" tasks succeeded");
    for (TaskPhase phase : new TaskPhase[] {TaskPhase.Running, TaskPhase.Suspended, TaskPhase.Pending,
        TaskPhase.Failed, TaskPhase.Skipped}) {
      int count = byPhase.get(phase).size();
      if (count > 0) {
        text.append(", ").append(count).append(' ').append(phase.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return text.toString();
  }

  private static String plural(long count) {
    return count == 1 ? "" : "s";
  }

}
