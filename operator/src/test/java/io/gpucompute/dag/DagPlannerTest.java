package io.gpucompute.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.status.Conditions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link DagPlanner} and {@link DagGraph} as tables of situations: no API server, no processes, milliseconds. */
class DagPlannerTest {

  private static String reason(GpuDagStatus status) {
    return Conditions.find(status.getConditions(), DagCondition.RECONCILING).orElseThrow().getReason();
  }

  private static boolean isTrue(GpuDagStatus status, String type) {
    return Conditions.isTrue(status.getConditions(), type);
  }

  @Test
  void aDiamondRunsLevelByLevelAndCompletesWithItsCostsSummed() {
    DagSim dag = new DagSim().task("prep").task("train-a", "prep").task("train-b", "prep")
        .task("eval", "train-a", "train-b");

    assertThat(dag.step().create()).containsExactly("prep");
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Running);
    assertThat(dag.status.getProgress()).isEqualTo("0/4");
    assertThat(dag.status.getTasks().getRunning()).containsExactly("prep");
    assertThat(dag.status.getTasks().getPending()).containsExactly("train-a", "train-b", "eval");
    assertThat(dag.status.getStartTime()).isNotNull();
    assertThat(isTrue(dag.status, DagCondition.RECONCILING)).isTrue();

    assertThat(dag.step().create()).as("nothing new while prep runs").isEmpty();
    dag.succeed("prep");
    assertThat(dag.step().create()).containsExactly("train-a", "train-b");
    dag.succeed("train-a");
    assertThat(dag.step().create()).as("eval waits for both trainings").isEmpty();
    dag.job("train-b", JobPhase.Succeeded, "0.25");
    assertThat(dag.step().create()).containsExactly("eval");
    dag.job("eval", JobPhase.Succeeded, "1.5");
    dag.step();

    GpuDagStatus status = dag.status;
    assertThat(status.getPhase()).isEqualTo(DagPhase.Succeeded);
    assertThat(status.getProgress()).isEqualTo("4/4");
    assertThat(status.getCounts().getSucceeded()).isEqualTo(4);
    assertThat(status.getAccruedCost()).isEqualTo("1.770000");
    assertThat(status.getCompletionTime()).isNotNull();
    assertThat(status.getMessage()).isEqualTo("all 4 tasks succeeded");
    assertThat(isTrue(status, DagCondition.COMPLETE)).isTrue();
    assertThat(isTrue(status, DagCondition.FAILED)).isFalse();
    assertThat(isTrue(status, DagCondition.RECONCILING)).isFalse();
    assertThat(isTrue(status, DagCondition.STALLED)).isFalse();
    assertThat(status.getConditions()).extracting(Condition::getType)
        .containsExactly("Complete", "Failed", "Reconciling", "Stalled");
    assertThat(dag.created).containsExactly("prep", "train-a", "train-b", "eval");
  }

  @Test
  void estimatedCostsAreSummedOverTheChildrenThatHaveOne() {
    DagSim dag = new DagSim().task("a").task("b");
    dag.step();
    dag.children.put("a", new ChildJobState(true, JobPhase.Running, false, new BigDecimal("2.000000"), new BigDecimal("0.5")));
    dag.children.put("b", new ChildJobState(true, JobPhase.Running, false, null, new BigDecimal("0.25")));
    dag.step();

    assertThat(dag.status.getEstimatedCost()).isEqualTo("2.000000");
    assertThat(dag.status.getAccruedCost()).isEqualTo("0.750000");
  }

  @Test
  void aFanOutOf100StartsEveryLeafAtOnceWithoutParallelism() {
    DagSim dag = new DagSim().task("root");
    IntStream.range(0, 100).forEach(i -> dag.task("leaf-" + i, "root"));

    assertThat(dag.step().create()).containsExactly("root");
    dag.succeed("root");
    assertThat(dag.step().create()).hasSize(100).startsWith("leaf-0", "leaf-1").endsWith("leaf-99");
    assertThat(dag.status.getCounts().getRunning()).isEqualTo(100);
    assertThat(dag.runToEnd(5)).isEqualTo(1);
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Succeeded);
  }

  @Test
  void aFanOutOf100WithParallelism10StartsTenAtATimeInSpecOrder() {
    DagSim dag = new DagSim().task("root");
    IntStream.range(0, 100).forEach(i -> dag.task("leaf-" + i, "root"));
    dag.spec.setParallelism(10);
    dag.step();
    dag.succeed("root");

    assertThat(dag.step().create()).hasSize(10).startsWith("leaf-0").endsWith("leaf-9");
    dag.succeed("leaf-3");
    assertThat(dag.step().create()).containsExactly("leaf-10");
    assertThat(dag.status.getCounts().getRunning()).isEqualTo(10);
    assertThat(dag.runToEnd(20)).as("9 more batches, then the last one finishes").isEqualTo(10);
    assertThat(dag.created).hasSize(101).doesNotHaveDuplicates();
  }

  @Test
  void aChainOf200StartsOneTaskPerStepInOrder() {
    DagSim dag = new DagSim().task("step-0");
    IntStream.range(1, 200).forEach(i -> dag.task("step-" + i, "step-" + (i - 1)));

    int steps = dag.runToEnd(500);

    assertThat(steps).isEqualTo(200);
    assertThat(dag.created).containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "step-" + i).toList());
    assertThat(dag.status.getProgress()).isEqualTo("200/200");
  }

  @Test
  void withFailFastAFailureSkipsEveryPendingTaskAndTheDagFailsWhenTheRunningOnesFinish() {
    DagSim dag = new DagSim().task("boom").task("slow").task("after-boom", "boom").task("later").task("last", "later");
    dag.spec.setParallelism(2);
    assertThat(dag.step().create()).containsExactly("boom", "slow");

    dag.fail("boom");
    DagPlan plan = dag.step();

    assertThat(plan.create()).as("no new task after a failure").isEmpty();
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Running);
    assertThat(reason(dag.status)).isEqualTo(DagReason.WAITING_FOR_RUNNING_TASKS.toString());
    assertThat(dag.status.getMessage()).contains("boom").contains("waiting for 1 running task");
    assertThat(dag.status.getTasks().getSkipped()).containsExactly("after-boom", "later", "last");
    assertThat(dag.status.getTasks().getRunning()).containsExactly("slow");

    dag.succeed("slow");
    dag.step();
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Failed);
    assertThat(reason(dag.status)).isEqualTo(DagReason.TASKS_FAILED.toString());
    assertThat(dag.status.getMessage()).isEqualTo("1 task failed: boom; 3 skipped; 1 of 5 succeeded");
    assertThat(isTrue(dag.status, DagCondition.FAILED)).isTrue();
    assertThat(isTrue(dag.status, DagCondition.STALLED)).as("kstatus reads a failed DAG as failed").isTrue();
    assertThat(isTrue(dag.status, DagCondition.COMPLETE)).isFalse();
    assertThat(dag.status.getCompletionTime()).isNotNull();
    assertThat(dag.created).containsExactly("boom", "slow");
  }

  @Test
  void withoutFailFastOnlyTheDependentsOfAFailureAreSkipped() {
    DagSim dag = new DagSim().task("boom").task("after-boom", "boom").task("after-after", "after-boom")
        .task("other").task("after-other", "other").task("join", "after-other", "after-boom");
    dag.spec.setFailFast(false);
    dag.step();

    dag.fail("boom");
    dag.succeed("other");
    assertThat(dag.step().create()).containsExactly("after-other");
    assertThat(dag.status.getTasks().getSkipped()).containsExactly("after-boom", "after-after", "join");
    assertThat(reason(dag.status)).isEqualTo(DagReason.TASKS_RUNNING.toString());

    dag.succeed("after-other");
    dag.step();
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Failed);
    assertThat(dag.status.getCounts()).satisfies(c -> {
      assertThat(c.getSucceeded()).isEqualTo(2);
      assertThat(c.getFailed()).isEqualTo(1);
      assertThat(c.getSkipped()).isEqualTo(3);
      assertThat(c.getTotal()).isEqualTo(6);
    });
  }

  @Test
  void aCycleIsRefusedNamingItsTasksAndNothingStarts() {
    DagSim dag = new DagSim().task("a", "c").task("b", "a").task("c", "b").task("free").task("after", "a");

    DagPlan plan = dag.step();

    assertThat(plan.create()).isEmpty();
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Pending);
    assertThat(isTrue(dag.status, DagCondition.STALLED)).isTrue();
    assertThat(isTrue(dag.status, DagCondition.RECONCILING)).isFalse();
    assertThat(reason(dag.status)).isEqualTo(DagReason.INVALID_GRAPH.toString());
    assertThat(dag.status.getMessage())
        .startsWith("dependency cycle (each task depends on the next): a -> c -> b -> a")
        .contains("4 tasks on or after a cycle")
        .doesNotContain("free");
    assertThat(dag.status.getCounts().getPending()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "self-dependency    | a:a,b             | dependency cycle (each task depends on the next): a -> a",
      "two cycles         | a:b,b:a,c:d,d:c,e | dependency cycles (each task depends on the next): a -> b -> a; c -> d -> c",
      "unknown dependency | a,b:a+ghost,c:gone | unknown dependencies (task -> missing task): b -> ghost, c -> gone",
      "duplicate names    | a,b,a,b:a,c       | duplicate task names: a, b",
  })
  void invalidGraphsAreRefusedWithAMessageNamingTheOffendingTasks(String title, String tasks, String message) {
    DagSim dag = new DagSim();
    for (String task : tasks.split(",")) {
      String[] parts = task.split(":");
      dag.task(parts[0], parts.length > 1 ? parts[1].split("\\+") : new String[0]);
    }

    assertThat(dag.step().changesNoJob()).isTrue();
    assertThat(reason(dag.status)).isEqualTo(DagReason.INVALID_GRAPH.toString());
    assertThat(dag.status.getMessage()).startsWith(message);
    assertThat(isTrue(dag.status, DagCondition.STALLED)).isTrue();
  }

  @Test
  void aTaskWhoseTemplateAndDefaultsLackARequiredFieldIsNamed() {
    DagSim dag = new DagSim();
    dag.spec.getDefaults().setImage(null);
    dag.spec.getDefaults().setGpu(null);
    GpuJobTemplate complete = new GpuJobTemplate();
    complete.setImage("busybox");
    complete.setGpu(io.gpucompute.api.v1alpha1.GpuRequest.of("A100", 1));
    dag.spec.getTasks().add(new DagTask("ok", new ArrayList<>(), complete));
    GpuJobTemplate imageOnly = new GpuJobTemplate();
    imageOnly.setImage("busybox");
    dag.spec.getTasks().add(new DagTask("no-gpu", new ArrayList<>(), imageOnly));
    dag.task("bare");

    assertThat(dag.step().create()).isEmpty();
    assertThat(reason(dag.status)).isEqualTo(DagReason.INVALID_TASK.toString());
    assertThat(dag.status.getMessage()).endsWith(": no-gpu (gpu), bare (image, gpu)");
  }

  @Test
  void aDagNameTooLongForALabelValueIsRefused() {
    DagSim dag = new DagSim().task("a");
    String name = "d".repeat(GpuDag.MAX_NAME_LENGTH + 1);

    DagPlan plan = DagPlanner.plan(name, dag.situation());

    assertThat(plan.create()).isEmpty();
    assertThat(reason(plan.status())).isEqualTo(DagReason.INVALID_NAME.toString());
    assertThat(plan.status().getMessage()).contains("64 characters");
  }

  @Test
  void aLongNameListInAMessageIsCut() {
    DagSim dag = new DagSim();
    IntStream.range(0, 25).forEach(i -> dag.task("t" + i, "ghost"));

    dag.step();

    assertThat(dag.status.getMessage()).endsWith("t9 -> ghost and 15 more");
  }

  @Test
  void parallelismCountsRunningAndSuspendedTasks() {
    DagSim dag = new DagSim();
    IntStream.range(0, 10).forEach(i -> dag.task("t" + i));
    dag.spec.setParallelism(3);

    assertThat(dag.step().create()).containsExactly("t0", "t1", "t2");
    dag.job("t1", JobPhase.Queued, null);
    assertThat(dag.step().create()).as("a job queued for GPUs holds its place").isEmpty();
    dag.succeed("t0");
    dag.job("t2", JobPhase.Suspended, null);
    assertThat(dag.step().create()).containsExactly("t3");
    assertThat(dag.status.getCounts()).satisfies(c -> {
      assertThat(c.getRunning()).isEqualTo(2);
      assertThat(c.getSuspended()).isEqualTo(1);
      assertThat(c.getPending()).isEqualTo(6);
    });
  }

  @Test
  void suspendSuspendsTheRunningJobsStartsNothingAndResumeUndoesIt() {
    DagSim dag = new DagSim().task("a").task("b").task("c", "a");
    dag.step();

    dag.spec.setSuspend(true);
    dag.generation++;
    dag.succeed("a");
    DagPlan suspend = dag.step();
    assertThat(suspend.suspend()).containsExactly("b");
    assertThat(suspend.create()).as("c is ready but the DAG is suspended").isEmpty();
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Suspended);
    assertThat(reason(dag.status)).isEqualTo(DagReason.SUSPENDED.toString());
    assertThat(isTrue(dag.status, DagCondition.RECONCILING)).isFalse();
    assertThat(isTrue(dag.status, DagCondition.STALLED)).isFalse();
    assertThat(dag.step().suspend()).as("asked once").isEmpty();
    dag.job("b", JobPhase.Suspended, null);
    dag.step();
    assertThat(dag.status.getTasks().getSuspended()).containsExactly("b");

    dag.spec.setSuspend(false);
    dag.generation++;
    DagPlan resume = dag.step();
    assertThat(resume.resume()).containsExactly("b");
    assertThat(resume.create()).containsExactly("c");
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Running);
  }

  @Test
  void aJobDeletedBeforeItFinishedFailsItsTaskAndOneDeletedAfterwardsKeepsItsResult() {
    DagSim dag = new DagSim().task("done").task("running");
    dag.step();
    dag.succeed("done");
    dag.step();

    dag.children.remove("done");
    dag.children.remove("running");
    DagPlan plan = dag.step();

    assertThat(plan.create()).as("neither task starts again").isEmpty();
    assertThat(dag.status.getTasks().getSucceeded()).containsExactly("done");
    assertThat(dag.status.getTasks().getFailed()).containsExactly("running");
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Failed);
    assertThat(dag.status.getMessage()).isEqualTo(
        "1 task failed: running (its GpuJob was deleted before it finished); 0 skipped; 1 of 2 succeeded");
  }

  @Test
  void aJobOfATasksNameThatIsNotTheDagsStallsThatTask() {
    DagSim dag = new DagSim().task("a").task("b");
    dag.children.put("a", ChildJobState.FOREIGN);

    DagPlan plan = dag.step();

    assertThat(plan.create()).containsExactly("b");
    assertThat(reason(dag.status)).isEqualTo(DagReason.JOB_NAME_CONFLICT.toString());
    assertThat(isTrue(dag.status, DagCondition.STALLED)).isTrue();
    assertThat(dag.status.getMessage()).contains(": a (GpuJob <dag>-<task>)");
    assertThat(dag.status.getTasks().getPending()).containsExactly("a");
  }

  @Test
  void statusOnlyStartsNothing() {
    DagSim dag = new DagSim().task("a").task("b");

    DagPlan plan = DagPlanner.statusOnly(DagGraph.compile(DagSim.NAME, dag.spec), dag.situation());

    assertThat(plan.create()).isEmpty();
    assertThat(plan.status().getTasks().getPending()).containsExactly("a", "b");
  }

  @Test
  void aFinishedDagStaysFinishedWhateverChangesLater() {
    DagSim dag = new DagSim().task("a");
    dag.runToEnd(3);
    String completion = dag.status.getCompletionTime();

    dag.task("added-later");
    dag.generation++;
    dag.children.clear();
    DagPlan plan = dag.step();

    assertThat(plan.changesNoJob()).isTrue();
    assertThat(dag.status.getPhase()).isEqualTo(DagPhase.Succeeded);
    assertThat(dag.status.getCompletionTime()).isEqualTo(completion);
    assertThat(dag.status.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void planningTheSameFactsAgainGivesAnEqualStatusSoNothingIsWritten() {
    DagSim dag = new DagSim().task("a").task("b", "a");
    dag.step();
    GpuDagStatus first = dag.status;

    dag.now = dag.now.plusSeconds(3600);
    DagPlan again = DagPlanner.plan(DagSim.NAME, dag.situation());

    assertThat(again.status()).isEqualTo(first);
    assertThat(again.changesNoJob()).isTrue();
  }

  @Test
  void thePlannerDoesNotChangeThePreviousStatus() {
    DagSim dag = new DagSim().task("a");
    dag.step();
    GpuDagStatus before = dag.status;
    String copy = new KubernetesSerialization().asJson(before);

    dag.succeed("a");
    DagPlanner.plan(DagSim.NAME, dag.situation());

    assertThat(new KubernetesSerialization().asJson(before)).isEqualTo(copy);
  }

  /** The status of a 5,000-task DAG stays far below etcd's 1.5 MiB object limit, at every stage. */
  @Test
  void theStatusOfA5000TaskDagStaysUnder150KiB() {
    DagSim dag = new DagSim().task("shard-0000");
    IntStream.range(1, 5000).forEach(i -> dag.task(String.format("shard-%04d", i), "shard-0000"));
    dag.spec.setParallelism(1000);
    KubernetesSerialization json = new KubernetesSerialization();
    List<Integer> sizes = new ArrayList<>();

    dag.step();
    sizes.add(json.asJson(dag.status).getBytes(StandardCharsets.UTF_8).length);
    dag.succeed("shard-0000");
    dag.step();
    dag.fail("shard-0001");
    dag.spec.setFailFast(false);
    dag.step();
    sizes.add(json.asJson(dag.status).getBytes(StandardCharsets.UTF_8).length);
    dag.runToEnd(10);
    sizes.add(json.asJson(dag.status).getBytes(StandardCharsets.UTF_8).length);

    assertThat(dag.status.getCounts().getTotal()).isEqualTo(5000);
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThan(150 * 1024));
    System.out.printf("status of a 5,000-task DAG: %s bytes (start, mid-run, end)%n", sizes);
  }
}
