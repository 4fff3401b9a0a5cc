package io.gpucompute.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.cost.Money;
import io.gpucompute.operator.GpuComputeOperator;
import io.gpucompute.operator.MockCluster;
import io.gpucompute.operator.TestResources;
import io.gpucompute.status.Conditions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GpuDags on the operator wired as in production, with the Local provider, against fabric8's mock API server in CRUD
 * mode. The tasks are real processes. The mock server has no garbage collector: deleting a DAG deletes its GpuJobs
 * through the DAG's own cleanup.
 */
class GpuDagMockServerTest {

  /** The tasks of the largest DAG here: almost five rounds of a parallelism of 64. */
  private static final int MANY_TASKS = 300;

  private static final String NS = "team-a";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path stateDir;

  private MockCluster cluster;
  private KubernetesClient client;
  private GpuComputeOperator operator;

  @BeforeEach
  void startOperator() {
    cluster = MockCluster.start();
    client = cluster.client();
    TestResources.createNamespace(client, NS, Map.of("team", "a"));
    operator = startOperatorOnStateDir();
  }

  private GpuComputeOperator startOperatorOnStateDir() {
    return cluster.startOperator(MockCluster.fastSettings(stateDir));
  }

  @AfterEach
  void stopOperator() {
    if (operator == null) { // a test that stopped it has no process left running
      cluster.close();
      return;
    }
    // Deleting the DAGs deletes their jobs, whose finalizers stop their processes.
    cluster.deleteAllWorkAndAwait(WAIT);
    operator.close();
    cluster.close();
  }

  // ---- builders and readers

  /** A task whose GpuJob runs {@code script} with sh. */
  private static DagTask task(String name, String script, String... dependsOn) {
    GpuJobTemplate template = new GpuJobTemplate();
    template.setCommand(List.of("sh", "-c", script));
    return new DagTask(name, new ArrayList<>(List.of(dependsOn)), template);
  }

  /** A DAG whose defaults run its tasks on one A100 of the Local ProviderConfig {@code local}. */
  private GpuDag apply(String name, Consumer<GpuDagSpec> customize, DagTask... tasks) {
    GpuDag dag = new GpuDag();
    dag.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    GpuDagSpec spec = new GpuDagSpec();
    GpuJobTemplate defaults = TestResources.localA100Defaults();
    spec.setDefaults(defaults);
    spec.setTasks(new ArrayList<>(List.of(tasks)));
    customize.accept(spec);
    dag.setSpec(spec);
    return client.resource(dag).create();
  }

  private GpuDag get(String name) {
    return client.resources(GpuDag.class).inNamespace(NS).withName(name).get();
  }

  private GpuDag awaitDag(String name, Predicate<GpuDagStatus> condition) {
    return awaitDag(name, WAIT, condition);
  }

  private GpuDag awaitDag(String name, Duration wait, Predicate<GpuDagStatus> condition) {
    return await().atMost(wait).pollInterval(Duration.ofMillis(200)).until(() -> get(name),
        dag -> dag != null && dag.getStatus() != null && condition.test(dag.getStatus()));
  }

  private static Predicate<GpuDagStatus> phase(DagPhase phase) {
    return status -> status.getPhase() == phase;
  }

  private static String reason(GpuDagStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow().getReason();
  }

  private List<GpuJob> jobs() {
    return client.resources(GpuJob.class).inNamespace(NS).list().getItems();
  }

  private GpuJob job(String name) {
    return client.resources(GpuJob.class).inNamespace(NS).withName(name).get();
  }

  private void patchDagSpec(String name, String specJson) {
    client.resources(GpuDag.class).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": " + specJson + "}");
  }

  private List<String> eventReasons(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
  }

  // ---- tests

  @Test
  void aDiamondOfInstantTasksCompletesWithItsCostsRolledUp() {
    client.resource(TestResources.localProvider("local", 2, spec -> {})).create();
    apply("diamond", spec -> {},
        task("prep", "echo prep"),
        task("train-a", "echo a", "prep"),
        task("train-b", "echo b", "prep"),
        task("eval", "echo eval", "train-a", "train-b"));

    GpuDag dag = awaitDag("diamond", phase(DagPhase.Succeeded));

    GpuDagStatus status = dag.getStatus();
    assertThat(Conditions.isTrue(status.getConditions(), DagCondition.COMPLETE)).isTrue();
    assertThat(reason(status, DagCondition.COMPLETE)).isEqualTo(DagReason.COMPLETED.toString());
    assertThat(status.getProgress()).isEqualTo("4/4");
    assertThat(status.getTasks().getSucceeded()).containsExactly("prep", "train-a", "train-b", "eval");
    assertThat(status.getObservedGeneration()).isEqualTo(dag.getMetadata().getGeneration());
    assertThat(status.getStartTime()).isNotNull();
    assertThat(status.getCompletionTime()).isNotNull();

    List<GpuJob> children = jobs();
    assertThat(children).extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder("diamond-prep", "diamond-train-a", "diamond-train-b", "diamond-eval");
    BigDecimal sum = BigDecimal.ZERO;
    for (GpuJob child : children) {
      assertThat(child.getStatus().getPhase()).isEqualTo(JobPhase.Succeeded);
      assertThat(child.getStatus().getAttempts()).isEqualTo(1);
      assertThat(child.getMetadata().getLabels()).containsEntry(GpuDag.DAG_LABEL, "diamond")
          .containsKey(GpuDag.TASK_LABEL);
      assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getUid()).isEqualTo(dag.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();
        assertThat(owner.getBlockOwnerDeletion()).isTrue();
      });
      sum = sum.add(Money.parse(child.getStatus().getAccruedCost()));
    }
    // Each child's cost was final when it succeeded, so the DAG's sum is exact.
    assertThat(status.getAccruedCost()).isEqualTo(Money.formatCost(sum));
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons("diamond")).contains("TasksRunning", "Completed"));
  }

  @Test
  void aFailureWithFailFastSkipsThePendingTasksLetsTheRunningOneFinishAndFailsTheDag() {
    client.resource(TestResources.localProvider("local", 2, spec -> {})).create();
    apply("failing", spec -> spec.setParallelism(2),
        task("boom", "echo boom; exit 3"),
        task("slow", "sleep 2"),
        task("after-boom", "echo never", "boom"),
        task("later", "echo never"));

    GpuDag dag = awaitDag("failing", phase(DagPhase.Failed));

    GpuDagStatus status = dag.getStatus();
    assertThat(reason(status, DagCondition.FAILED)).isEqualTo(DagReason.TASKS_FAILED.toString());
    assertThat(Conditions.isTrue(status.getConditions(), DagCondition.FAILED)).isTrue();
    assertThat(Conditions.isTrue(status.getConditions(), DagCondition.STALLED)).isTrue();
    assertThat(status.getTasks().getFailed()).containsExactly("boom");
    assertThat(status.getTasks().getSucceeded()).as("the running task finished").containsExactly("slow");
    assertThat(status.getTasks().getSkipped()).containsExactly("after-boom", "later");
    assertThat(status.getMessage()).isEqualTo("1 task failed: boom; 2 skipped; 1 of 4 succeeded");
    assertThat(jobs()).extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder("failing-boom", "failing-slow");
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventReasons("failing")).contains("TasksFailed"));
  }

  @Test
  void aCycleStallsTheDagWithInvalidGraphAndAWarningAndStartsNoJob() {
    client.resource(TestResources.localProvider("local", 1, spec -> {})).create();
    apply("loop", spec -> {},
        task("a", "true", "b"),
        task("b", "true", "a"),
        task("free", "true"));

    GpuDag dag = awaitDag("loop", status -> Conditions.isTrue(status.getConditions(), DagCondition.STALLED));

    assertThat(dag.getStatus().getPhase()).isEqualTo(DagPhase.Pending);
    assertThat(reason(dag.getStatus(), DagCondition.STALLED)).isEqualTo(DagReason.INVALID_GRAPH.toString());
    assertThat(dag.getStatus().getMessage()).contains("a -> b -> a").doesNotContain("free");
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getInvolvedObject().getName()).isEqualTo("loop");
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getReason()).isEqualTo(DagReason.INVALID_GRAPH.toString());
          assertThat(e.getMessage()).contains("a -> b -> a");
        }));
    assertThat(jobs()).isEmpty();

    // Fixing the graph starts it.
    client.resources(GpuDag.class).inNamespace(NS).withName("loop").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\": \"replace\", \"path\": \"/spec/tasks/0/dependsOn\", \"value\": []}]");
    assertThat(awaitDag("loop", phase(DagPhase.Succeeded)).getStatus().getProgress()).isEqualTo("3/3");
  }

  @Test
  void suspendSuspendsTheRunningJobAndStartsNothingAndResumeRunsTheRest() {
    client.resource(TestResources.localProvider("local", 1, spec -> {})).create();
    apply("pausable", spec -> {},
        task("first", "[ \"$GPUCOMPUTE_JOB_ATTEMPT\" = 2 ] || sleep 60"),
        task("second", "echo second", "first"));
    await().atMost(WAIT).until(() -> job("pausable-first") != null && job("pausable-first").getStatus() != null
        && job("pausable-first").getStatus().getPhase() == JobPhase.Running);

    patchDagSpec("pausable", "{\"suspend\": true}");

    GpuDag suspended = awaitDag("pausable", status -> status.getPhase() == DagPhase.Suspended
        && status.getCounts().getSuspended() == 1);
    assertThat(reason(suspended.getStatus(), DagCondition.RECONCILING)).isEqualTo(DagReason.SUSPENDED.toString());
    GpuJob first = job("pausable-first");
    assertThat(first.getSpec().getSuspend()).isTrue();
    assertThat(first.getStatus().getPhase()).isEqualTo(JobPhase.Suspended);
    assertThat(job("pausable-second")).isNull();

    patchDagSpec("pausable", "{\"suspend\": false}");

    GpuDag done = awaitDag("pausable", phase(DagPhase.Succeeded));
    assertThat(done.getStatus().getProgress()).isEqualTo("2/2");
    GpuJob resumed = job("pausable-first");
    assertThat(resumed.getSpec().getSuspend()).isNull();
    assertThat(resumed.getStatus().getAttempts()).as("the suspended attempt, then the resumed one").isEqualTo(2);
  }

  @Test
  void anOperatorRestartMidDagStartsNoTaskTwice() throws IOException {
    client.resource(TestResources.localProvider("local", 4, spec -> {})).create();
    Path runs = stateDir.resolve("runs");
    Files.createDirectories(runs);
    // Each run of a task appends a line to a file named after it.
    String record = "echo run >> " + runs + "/";
    // The b tasks run until the test opens the gate, once the operator is down.
    Path gate = stateDir.resolve("gate");
    String untilOpen = "; " + TestResources.untilExists(gate);
    apply("restart", spec -> {},
        task("a", record + "a"),
        task("b1", record + "b1" + untilOpen, "a"),
        task("b2", record + "b2" + untilOpen, "a"),
        task("b3", record + "b3" + untilOpen, "a"),
        task("c", record + "c", "b1", "b2", "b3"));
    awaitDag("restart", status -> status.getCounts().getRunning() == 3);

    operator.close();
    Files.createFile(gate);
    operator = startOperatorOnStateDir();

    GpuDag dag = awaitDag("restart", phase(DagPhase.Succeeded));
    assertThat(dag.getStatus().getProgress()).isEqualTo("5/5");
    for (String task : List.of("a", "b1", "b2", "b3", "c")) {
      assertThat(Files.readAllLines(runs.resolve(task))).as("runs of task %s", task).containsExactly("run");
      assertThat(job("restart-" + task).getStatus().getAttempts()).isEqualTo(1);
    }
    assertThat(jobs()).hasSize(5);
  }

  @Test
  void deletingADagDeletesItsJobsAndStopsTheirWork() throws Exception {
    client.resource(TestResources.localProvider("local", 1, spec -> {})).create();
    Path pidFile = stateDir.resolve("child.pid");
    apply("doomed", spec -> {}, task("forever", "echo $$ > " + pidFile + "; sleep 300"), task("next", "true", "forever"));
    await().atMost(WAIT).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long pid = Long.parseLong(Files.readString(pidFile).trim());

    client.resources(GpuDag.class).inNamespace(NS).withName("doomed").delete();

    await().atMost(WAIT).until(() -> get("doomed") == null && jobs().isEmpty());
    await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void theExampleDagsRunToCompletion() throws IOException {
    TestResources.createNamespace(client, "default", Map.of());
    Path examples = Path.of("..", "examples");
    var serialization = client.getKubernetesSerialization();
    client.resource(serialization.unmarshal(Files.readString(examples.resolve("quickstart/00-provider-local.yaml")),
        io.gpucompute.api.v1alpha1.ProviderConfig.class)).create();
    for (String example : List.of("gpudag-pipeline.yaml", "quickstart/20-gpudag.yaml")) {
      client.resource(serialization.unmarshal(Files.readString(examples.resolve(example)), GpuDag.class)).create();
    }

    for (String name : List.of("pipeline", "hello-dag")) {
      GpuDag dag = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> client.resources(GpuDag.class).inNamespace("default").withName(name).get(),
              d -> d.getStatus() != null && d.getStatus().getPhase() == DagPhase.Succeeded);
      assertThat(Conditions.isTrue(dag.getStatus().getConditions(), DagCondition.COMPLETE)).isTrue();
    }
    GpuJob evaluate = client.resources(GpuJob.class).inNamespace("default").withName("pipeline-evaluate").get();
    assertThat(evaluate.getStatus().getLogTail()).contains("evaluating both models on mnist");
    GpuJob large = client.resources(GpuJob.class).inNamespace("default").withName("pipeline-train-large").get();
    assertThat(large.getSpec().getBackoffLimit()).isEqualTo(1);
    assertThat(large.getSpec().getEnv()).extracting(e -> e.getName()).containsExactly("DATASET", "MODEL");
  }

  /**
   * Many more tasks than the DAG's parallelism (almost five rounds of 64), each started once. The real API server's
   * runs of 1,000 and 5,000 tasks are benchmarks (hack/bench.sh P7, docs/performance.md), not tests.
   */
  @Test
  void threeHundredInstantTasksCompleteWithEveryTaskStartedOnce() {
    client.resource(TestResources.localProvider("local", 64, spec -> {})).create();
    List<DagTask> tasks = new ArrayList<>();
    tasks.add(task("root", "true"));
    IntStream.range(1, MANY_TASKS).forEach(i -> tasks.add(task(String.format("t%04d", i), "true", "root")));
    long start = System.nanoTime();
    apply("big", spec -> spec.setParallelism(64), tasks.toArray(DagTask[]::new));

    GpuDag dag = awaitDag("big", Duration.ofMinutes(4), phase(DagPhase.Succeeded));

    System.out.printf("%d instant tasks on the mock server: %.1f s%n", MANY_TASKS, (System.nanoTime() - start) / 1e9);
    assertThat(dag.getStatus().getProgress()).isEqualTo(MANY_TASKS + "/" + MANY_TASKS);
    List<GpuJob> children = jobs();
    assertThat(children).hasSize(MANY_TASKS);
    assertThat(children.stream().collect(Collectors.groupingBy(j -> j.getStatus().getAttempts(), Collectors.counting())))
        .containsExactly(Map.entry(1, (long) MANY_TASKS));
    // Every process has ended. Deleting them all on the mock server only tests the mock server: skip it.
    operator.close();
    operator = null;
  }
}
