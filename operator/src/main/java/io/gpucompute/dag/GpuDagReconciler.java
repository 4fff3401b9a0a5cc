package io.gpucompute.dag;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.events.EventRecorder;
import io.gpucompute.job.GpuJobItemStore;
import io.gpucompute.status.Conditions;
import io.gpucompute.kube.LeanItemStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles GpuDags: observe (the DAG's GpuJobs, from an informer cache, by their deterministic names), plan
 * ({@link DagPlanner}), act (create, suspend or resume GpuJobs), then write status if it changed. Thin on purpose:
 * the decisions live in {@link DagPlanner}; the GpuJob reconciler runs the jobs.
 *
 * <p>Per event the work is O(tasks): no LIST call, one cache lookup per task. Deleting a DAG deletes its GpuJobs
 * (their owner references let the API server's garbage collector do it too), and their own finalizers stop their work.
 */
@ControllerConfiguration(name = GpuDagReconciler.NAME, informer = @Informer(itemStore = LeanItemStore.class))
@GradualRetry(maxAttempts = -1, initialInterval = 2000, intervalMultiplier = 2, maxInterval = 120_000)
@MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES)
public class GpuDagReconciler implements Reconciler<GpuDag>, Cleaner<GpuDag> {

  public static final String NAME = "gpudag";
  private static final Logger LOG = LoggerFactory.getLogger(GpuDagReconciler.class);
  /** How soon a DAG whose GpuJob names are taken looks again; the other owner's jobs send it no events. */
  private static final Duration CONFLICT_RECHECK = Duration.ofSeconds(30);

  private final EventRecorder recorder;
  private final DagEvents events;
  private final Clock clock;
  /** The checked graph of each DAG, by uid, with the generation it was built from. */
  private final Map<String, CheckedGraph> graphs = new ConcurrentHashMap<>();
  /** When this process last wrote each DAG's status, by uid. */
  private final Map<String, Instant> lastWrites = new ConcurrentHashMap<>();
  /**
   * The status planned but not written yet (see {@link StatusWrites}), by uid. The next reconcile plans from it, so
   * the tasks it records as started are remembered before the write.
   */
  private final Map<String, GpuDagStatus> unwritten = new ConcurrentHashMap<>();
  private volatile InformerEventSource<GpuJob, GpuDag> children;

  public GpuDagReconciler(EventRecorder recorder, Clock clock) {
    this.recorder = recorder;
    this.events = new DagEvents(recorder);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, GpuDag>> prepareEventSources(EventSourceContext<GpuDag> context) {
    children = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(GpuJob.class, GpuDag.class)
        .withName("dag-children")
        .withItemStore(new GpuJobItemStore())
        .withLabelSelector(GpuDag.DAG_LABEL)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(GpuDag.class))
        .withOnUpdateFilter(ChildJobState::mattersToDag)
        .build(), context);
    return List.of(children);
  }

  @Override
  public UpdateControl<GpuDag> reconcile(GpuDag dag, Context<GpuDag> context) {
    Instant now = clock.instant();
    String uid = dag.getMetadata().getUid();
    DagGraph graph = graph(dag);
    Map<String, ChildJobState> observed = observeChildren(dag, graph);
    GpuDagStatus before = unwritten.getOrDefault(uid, dag.getStatus());
    DagSituation situation = new DagSituation(dag.getMetadata().getGeneration(), dag.getSpec(), before, observed, now);
    DagPlan plan = DagPlanner.plan(graph, situation);

    KubernetesClient client = context.getClient();
    boolean conflicts = false;
    if (!plan.create().isEmpty()) {
      Map<String, ChildJobState> after = new HashMap<>(observed);
      conflicts = create(client, dag, plan.create(), after);
      if (conflicts) {
        plan = DagPlanner.statusOnly(graph, new DagSituation(situation.generation(), situation.spec(), before, after,
            now));
      }
    }
    setSuspend(client, dag, plan.suspend(), true);
    setSuspend(client, dag, plan.resume(), false);

    GpuDagStatus after = plan.status();
    events.transition(dag, before, after);
    Duration delay = StatusWrites.delay(dag.getStatus(), after, lastWrites.get(uid), now);
    UpdateControl<GpuDag> control = UpdateControl.noUpdate();
    if (delay == null) {
      unwritten.remove(uid);
    } else if (delay.isZero()) {
      writeStatus(client, dag, after, context);
      lastWrites.put(uid, now);
      unwritten.remove(uid);
    } else {
      unwritten.put(uid, after);
      control = control.rescheduleAfter(delay);
    }
    boolean stalledOnNames = conflicts || Conditions.find(after.getConditions(), DagCondition.STALLED)
        .filter(c -> Conditions.TRUE.equals(c.getStatus()) && DagReason.JOB_NAME_CONFLICT.equals(c.getReason()))
        .isPresent();
    boolean rescheduled = delay != null && !delay.isZero();
    return stalledOnNames && !rescheduled ? control.rescheduleAfter(CONFLICT_RECHECK) : control;
  }

  private record CheckedGraph(Long generation, DagGraph graph) {}

  /** The checked graph of the DAG's current generation, built once per generation. */
  private DagGraph graph(GpuDag dag) {
    Long generation = dag.getMetadata().getGeneration();
    CheckedGraph cached = graphs.get(dag.getMetadata().getUid());
    if (cached != null && cached.generation() != null && cached.generation().equals(generation)) {
      return cached.graph();
    }
    DagGraph graph = DagGraph.compile(dag.getMetadata().getName(), dag.getSpec());
    graphs.put(dag.getMetadata().getUid(), new CheckedGraph(generation, graph));
    return graph;
  }

  /** The GpuJob named after each task, from the informer cache: one lookup per task, no API call. */
  private Map<String, ChildJobState> observeChildren(GpuDag dag, DagGraph graph) {
    var informer = children;
    String namespace = dag.getMetadata().getNamespace();
    String dagName = dag.getMetadata().getName();
    String uid = dag.getMetadata().getUid();
    Map<String, ChildJobState> observed = new HashMap<>();
    for (String task : graph.isValid() ? graph.names() : List.<String>of()) {
      informer.get(new ResourceID(ChildJobBuilder.name(dagName, task), namespace))
          .ifPresent(job -> observed.put(task, ChildJobState.of(job, uid)));
    }
    return observed;
  }

  /**
   * Creates the GpuJobs of {@code tasks}, recording each in {@code observed}. A GpuJob that already exists (409) is
   * this DAG's when its owner reference says so: created by an earlier reconcile whose event has not arrived yet.
   *
   * @return whether a GpuJob of some task's name exists and belongs to something else
   */
  private boolean create(KubernetesClient client, GpuDag dag, List<String> tasks, Map<String, ChildJobState> observed) {
    Map<String, DagTask> byName = new HashMap<>();
    for (DagTask task : dag.getSpec().getTasks()) {
      byName.putIfAbsent(task.getName(), task);
    }
    ResourceID dagId = ResourceID.fromResource(dag);
    String uid = dag.getMetadata().getUid();
    boolean conflicts = false;
    for (String task : tasks) {
      GpuJob desired = ChildJobBuilder.build(dag, byName.get(task));
      GpuJob job;
      try {
        job = client.resource(desired).create();
        LOG.info("GpuDag {}/{}: task {} started as GpuJob {}", dag.getMetadata().getNamespace(),
            dag.getMetadata().getName(), task, desired.getMetadata().getName());
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        job = client.resource(desired).get();
        if (job == null) {
          throw new IllegalStateException("GpuJob " + desired.getMetadata().getName()
              + " already exists, then did not: retrying", e);
        }
      }
      ChildJobState child = ChildJobState.of(job, uid);
      observed.put(task, child);
      if (child.owned()) {
        children.handleRecentResourceCreate(dagId, job); // so the next reconcile sees it before its event arrives
      } else {
        conflicts = true;
        recorder.warning(dag, DagReason.JOB_NAME_CONFLICT.toString(), "cannot start task " + task + ": GpuJob "
            + job.getMetadata().getName() + " exists and is not this DAG's");
      }
    }
    return conflicts;
  }

  /** Sets {@code spec.suspend} of the GpuJobs of {@code tasks}: true, or removed. */
  private void setSuspend(KubernetesClient client, GpuDag dag, List<String> tasks, boolean suspend) {
    String patch = "{\"spec\":{\"suspend\":" + (suspend ? "true" : "null") + "}}";
    ResourceID dagId = ResourceID.fromResource(dag);
    for (String task : tasks) {
      String name = ChildJobBuilder.name(dag.getMetadata().getName(), task);
      try {
        GpuJob before = children.get(new ResourceID(name, dag.getMetadata().getNamespace())).orElse(null);
        GpuJob after = client.resources(GpuJob.class).inNamespace(dag.getMetadata().getNamespace()).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        if (before != null) {
          children.handleRecentResourceUpdate(dagId, after, before);
        }
        LOG.info("GpuDag {}/{}: task {} {}", dag.getMetadata().getNamespace(), dag.getMetadata().getName(), task,
            suspend ? "suspended" : "resumed");
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
      }
    }
  }

  /**
   * Replaces the whole status (a JSON patch that adds /status), so lists are replaced, never merged with an older
   * version, then puts the result in the DAG cache so the next reconcile reads its own write.
   */
  private void writeStatus(KubernetesClient client, GpuDag dag, GpuDagStatus status, Context<GpuDag> context) {
    String json = client.getKubernetesSerialization().asJson(status);
    GpuDag updated = client.resources(GpuDag.class).inNamespace(dag.getMetadata().getNamespace())
        .withName(dag.getMetadata().getName()).subresource("status")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + json + "}]");
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(dag), updated, dag);
  }

  @Override
  public DeleteControl cleanup(GpuDag dag, Context<GpuDag> context) {
    String uid = dag.getMetadata().getUid();
    graphs.remove(uid);
    lastWrites.remove(uid);
    unwritten.remove(uid);
    int deleted = 0;
    for (GpuJob job : context.getSecondaryResources(GpuJob.class)) {
      if (ChildJobState.isOwnedBy(job, uid) && job.getMetadata().getDeletionTimestamp() == null) {
        context.getClient().resource(job).delete();
        deleted++;
      }
    }
    LOG.info("GpuDag {}/{}: deleted; {} GpuJobs deleted with it", dag.getMetadata().getNamespace(),
        dag.getMetadata().getName(), deleted);
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<GpuDag> updateErrorStatus(GpuDag dag, Context<GpuDag> context, Exception e) {
    GpuDagStatus status = dag.getStatus() == null ? new GpuDagStatus() : dag.getStatus();
    String message = "retrying: " + e.getMessage();
    LOG.warn("GpuDag {}/{}: reconcile failed: {}", dag.getMetadata().getNamespace(), dag.getMetadata().getName(),
        e.getMessage());
    var conditions = Conditions.with(status.getConditions(), DagCondition.RECONCILING, true, "ReconcileError", message,
        dag.getMetadata().getGeneration(), clock.instant());
    if (conditions.equals(status.getConditions())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    status.setConditions(conditions);
    dag.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(dag);
  }
}
