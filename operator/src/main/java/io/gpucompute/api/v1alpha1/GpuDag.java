package io.gpucompute.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.DATE;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.STRING;

/**
 * A graph of GpuJobs: each task becomes a child GpuJob named {@code <dag>-<task>} once all the tasks it depends
 * on have succeeded.
 *
 * <p>Its conditions are those of a GpuJob without the per-attempt ones: {@code Complete}, {@code Failed}
 * ({@code kubectl wait --for=condition=Complete gpudag/<name>}), and the kstatus conditions {@code Reconciling}
 * and {@code Stalled}.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"gd", "gpudag"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = STRING)
@AdditionalPrinterColumn(name = "Cost", jsonPath = ".status.accruedCost", type = STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = DATE)
public class GpuDag extends CustomResource<GpuDagSpec, GpuDagStatus> implements Namespaced {

  /** The label that names a child GpuJob's DAG. */
  public static final String DAG_LABEL = ApiGroup.GROUP + "/dag";
  /** The label that names the task a child GpuJob runs. */
  public static final String TASK_LABEL = ApiGroup.GROUP + "/task";
  /** The longest DAG name: it becomes the value of the {@link #DAG_LABEL} label. */
  public static final int MAX_NAME_LENGTH = 63;

  /**
   * What is wanted. Required: the API server refuses an object without it, so a write that carries only metadata
   * (a finalizer applied to an object that was just deleted) cannot make a new object of this name.
   */
  @Override
  @Required
  public GpuDagSpec getSpec() {
    return super.getSpec();
  }
}
