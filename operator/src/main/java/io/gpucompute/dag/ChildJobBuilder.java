package io.gpucompute.dag;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.budget.SubmittedBy;
import java.util.Map;

/** The child GpuJob of a DAG task: its deterministic name, labels, owner reference and merged spec. */
public final class ChildJobBuilder {

  private ChildJobBuilder() {}

  /** The name of task {@code task}'s GpuJob: {@code <dag>-<task>}. */
  public static String name(String dag, String task) {
    return dag + "-" + task;
  }

  /** The GpuJob that runs {@code task} of {@code dag}: it carries the DAG's submitted-by stamp, if it has one. */
  public static GpuJob build(GpuDag dag, DagTask task) {
    String dagName = dag.getMetadata().getName();
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder()
        .withName(name(dagName, task.getName()))
        .withNamespace(dag.getMetadata().getNamespace())
        .withLabels(Map.of(GpuDag.DAG_LABEL, dagName, GpuDag.TASK_LABEL, task.getName()))
        .withAnnotations(inherited(dag))
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(dag.getApiVersion()).withKind(dag.getKind())
            .withName(dagName).withUid(dag.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true)
            .build())
        .build());
    GpuJobSpec spec = TaskTemplates.merge(dag.getSpec().getDefaults(), task.getTemplate());
    if (dag.getSpec().suspended()) {
      spec.setSuspend(true);
    }
    job.setSpec(spec);
    return job;
  }

  /**
   * The annotations a child takes from its DAG, or null for none: who submitted the DAG (the webhook lets the
   * operator's own user create a GpuJob that carries it).
   */
  private static Map<String, String> inherited(GpuDag dag) {
    Map<String, String> annotations = dag.getMetadata().getAnnotations();
    String user = annotations == null ? null : annotations.get(SubmittedBy.ANNOTATION);
    return user == null ? null : Map.of(SubmittedBy.ANNOTATION, user);
  }
}
