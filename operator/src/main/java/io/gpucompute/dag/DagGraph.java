package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A DAG's tasks as a checked graph: task indexes, dependency edges and a topological order, or the problems that
 * make it invalid. Pure, and O(tasks + dependencies) to build, so a reconciler may build it per generation.
 *
 * <p>Checks, in this order: the DAG's name (it becomes a label value), duplicate task names, dependencies on tasks
 * that do not exist, cycles (Kahn's algorithm; each cycle is named by walking the dependencies that Kahn could not
 * resolve), and tasks whose merged spec lacks a required GpuJob field.
 */
public final class DagGraph {

  /** Why a graph is invalid: a condition reason and a message that names the offending tasks. */
  public record Problem(DagReason reason, String message) {}

  /** At most this many names in one problem's message; the rest are counted. */
  static final int NAMES_SHOWN = 10;
  private static final int CYCLES_SHOWN = 3;

  private final List<String> names;
  private final int[][] dependencies;
  private final int[][] dependents;
  private final int[] order;
  private final Problem problem;

  private DagGraph(List<String> names, int[][] dependencies, int[][] dependents, int[] order, Problem problem) {
    this.names = names;
    this.dependencies = dependencies;
    this.dependents = dependents;
    this.order = order;
    this.problem = problem;
  }

  /** Checks and indexes the tasks of {@code spec} for the DAG named {@code dagName}. */
  public static DagGraph compile(String dagName, GpuDagSpec spec) {
    List<DagTask> tasks = spec == null || spec.getTasks() == null ? List.of() : spec.getTasks();
    List<String> names = new ArrayList<>(tasks.size());
    for (DagTask task : tasks) {
      names.add(task.getName());
    }
    if (tasks.isEmpty()) {
      return invalid(names, DagReason.INVALID_GRAPH, "spec.tasks is empty: a DAG needs at least one task");
    }
    if (dagName != null && dagName.length() > GpuDag.MAX_NAME_LENGTH) {
      return invalid(names, DagReason.INVALID_NAME, "the DAG's name has " + dagName.length() + " characters; at most "
          + GpuDag.MAX_NAME_LENGTH + " are allowed, since it becomes the value of the label " + GpuDag.DAG_LABEL
          + " of its GpuJobs");
    }
    Map<String, Integer> index = new HashMap<>(tasks.size() * 2);
    Set<String> duplicates = new LinkedHashSet<>();
    List<String> unnamed = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      String name = names.get(i);
      if (name == null || name.isBlank()) {
        unnamed.add("#" + (i + 1));
      } else if (index.putIfAbsent(name, i) != null) {
        duplicates.add(name);
      }
    }
    List<String> problems = new ArrayList<>();
    if (!unnamed.isEmpty()) {
      problems.add("tasks without a name: " + list(unnamed));
    }
    if (!duplicates.isEmpty()) {
      problems.add("duplicate task names: " + list(duplicates));
    }
    int[][] dependencies = new int[tasks.size()][];
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      List<String> dependsOn = tasks.get(i).getDependsOn() == null ? List.of() : tasks.get(i).getDependsOn();
      int[] deps = new int[dependsOn.size()];
      int count = 0;
      for (String dependency : dependsOn) {
        Integer d = index.get(dependency);
        if (d == null) {
          unknown.add(names.get(i) + " -> " + dependency);
        } else if (!contains(deps, count, d)) {
          deps[count++] = d;
        }
      }
      dependencies[i] = count == deps.length ? deps : Arrays.copyOf(deps, count);
    }
    if (!unknown.isEmpty()) {
      problems.add("unknown dependencies (task -> missing task): " + list(unknown));
    }
    if (!problems.isEmpty()) {
      return invalid(names, DagReason.INVALID_GRAPH, String.join("; ", problems));
    }
    int[][] dependents = dependents(dependencies);
    int[] order = new int[tasks.size()];
    int sorted = topologicalOrder(dependencies, dependents, order);
    if (sorted < tasks.size()) {
      return invalid(names, DagReason.INVALID_GRAPH, cycles(names, dependencies, order, sorted));
    }
    List<String> incomplete = new ArrayList<>();
    for (DagTask task : tasks) {
      List<String> missing = TaskTemplates.missingFields(spec.getDefaults(), task.getTemplate());
      if (!missing.isEmpty()) {
        incomplete.add(task.getName() + " (" + String.join(", ", missing) + ")");
      }
    }
    if (!incomplete.isEmpty()) {
      return invalid(names, DagReason.INVALID_TASK, "tasks whose template and spec.defaults together lack required "
          + "GpuJob fields: " + list(incomplete));
    }
    return new DagGraph(names, dependencies, dependents, order, null);
  }

  private static DagGraph invalid(List<String> names, DagReason reason, String message) {
    return new DagGraph(names, null, null, null, new Problem(reason, message));
  }

  /** Whether the graph can be run. */
  public boolean isValid() {
    return problem == null;
  }

  /** Why the graph cannot be run, if it cannot. */
  public Optional<Problem> problem() {
    return Optional.ofNullable(problem);
  }

  /** The task names in the order of {@code spec.tasks} (as written, duplicates included, when invalid). */
  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  /** The indexes of task {@code i}'s dependencies. Valid graphs only. */
  int[] dependencies(int i) {
    return dependencies[i];
  }

  /** The indexes of the tasks that depend on task {@code i}. Valid graphs only. */
  int[] dependents(int i) {
    return dependents[i];
  }

  /** The task indexes in a topological order: each task after all its dependencies. Valid graphs only. */
  int[] order() {
    return order;
  }

  private static int[][] dependents(int[][] dependencies) {
    int[] counts = new int[dependencies.length];
    for (int[] deps : dependencies) {
      for (int d : deps) {
        counts[d]++;
      }
    }
    int[][] dependents = new int[dependencies.length][];
    for (int i = 0; i < dependencies.length; i++) {
      dependents[i] = new int[counts[i]];
      counts[i] = 0;
    }
    for (int i = 0; i < dependencies.length; i++) {
      for (int d : dependencies[i]) {
        dependents[d][counts[d]++] = i;
      }
    }
    return dependents;
  }

  /**
   * Kahn's algorithm: fills {@code order} with the tasks it can sort, the roots first in spec order, and returns
   * how many. The tasks it cannot sort (written after them) lie on a cycle or depend on one.
   */
  private static int topologicalOrder(int[][] dependencies, int[][] dependents, int[] order) {
    int n = dependencies.length;
    int[] waitingFor = new int[n];
    int tail = 0;
    for (int i = 0; i < n; i++) {
      waitingFor[i] = dependencies[i].length;
      if (waitingFor[i] == 0) {
        order[tail++] = i;
      }
    }
    for (int head = 0; head < tail; head++) {
      for (int dependent : dependents[order[head]]) {
        if (--waitingFor[dependent] == 0) {
          order[tail++] = dependent;
        }
      }
    }
    int sorted = tail;
    for (int i = 0; i < n; i++) {
      if (waitingFor[i] > 0) {
        order[tail++] = i;
      }
    }
    return sorted;
  }

  /**
   * Names up to {@link #CYCLES_SHOWN} cycles among the unsorted tasks. Each unsorted task has an unsorted
   * dependency, so following unsorted dependencies from any of them must come back to a task already on the path.
   */
  private static String cycles(List<String> names, int[][] dependencies, int[] order, int sorted) {
    int n = names.size();
    boolean[] unsorted = new boolean[n];
    for (int k = sorted; k < n; k++) {
      unsorted[order[k]] = true;
    }
    int[] walk = new int[n]; // 0: not seen; w: seen on walk number w
    int[] position = new int[n];
    List<String> found = new ArrayList<>();
    int walks = 0;
    for (int k = sorted; k < n && found.size() < CYCLES_SHOWN; k++) {
      int start = order[k];
      if (walk[start] != 0) {
        continue;
      }
      walks++;
      List<Integer> path = new ArrayList<>();
      int current = start;
      while (walk[current] == 0) {
        walk[current] = walks;
        position[current] = path.size();
        path.add(current);
        current = firstUnsorted(dependencies[current], unsorted);
      }
      if (walk[current] == walks) {
        List<String> cycle = new ArrayList<>();
        for (int p = position[current]; p < path.size(); p++) {
          cycle.add(names.get(path.get(p)));
        }
        cycle.add(names.get(current));
        found.add(String.join(" -> ", cycle));
      }
    }
    int blocked = n - sorted;
    return "dependency cycle" + (found.size() > 1 ? "s" : "") + " (each task depends on the next): "
        + String.join("; ", found) + " (" + blocked + " task" + (blocked == 1 ? "" : "s")
        + " on or after a cycle)";
  }

  private static int firstUnsorted(int[] deps, boolean[] unsorted) {
    for (int d : deps) {
      if (unsorted[d]) {
        return d;
      }
    }
    throw new IllegalStateException("an unsorted task without an unsorted dependency");
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  /** Up to {@link #NAMES_SHOWN} items, comma-separated, then how many more there are. */
  static String list(java.util.Collection<String> items) {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (String item : items) {
      if (shown == NAMES_SHOWN) {
        text.append(" and ").append(items.size() - shown).append(" more");
        break;
      }
      text.append(shown == 0 ? "" : ", ").append(item);
      shown++;
    }
    return text.toString();
  }
}
