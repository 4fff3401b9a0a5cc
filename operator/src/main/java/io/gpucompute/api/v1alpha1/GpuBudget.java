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
 * A team's GPU budget in one namespace: a dollar limit per period (or in total), optional limits on the GPUs in use
 * at once, and what happens at the limit. Admins write it; the team reads it. The operator counts every finished
 * attempt of the GpuJobs it covers into {@code status.spent} exactly once, and keeps jobs that do not fit waiting.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"gb", "gpubudget"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Period", jsonPath = ".spec.period", type = STRING)
@AdditionalPrinterColumn(name = "Spent", jsonPath = ".status.spent", type = STRING)
@AdditionalPrinterColumn(name = "Limit", jsonPath = ".spec.limit", type = STRING)
@AdditionalPrinterColumn(name = "Remaining", jsonPath = ".status.remaining", type = STRING)
@AdditionalPrinterColumn(name = "Committed", jsonPath = ".status.committed", type = STRING, priority = 1)
@AdditionalPrinterColumn(name = "Reserved", jsonPath = ".status.reserved", type = STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = DATE)
public class GpuBudget extends CustomResource<GpuBudgetSpec, GpuBudgetStatus> implements Namespaced {

  /**
   * What is wanted. Required: the API server refuses an object without it, so a write that carries only metadata
   * (a finalizer applied to an object that was just deleted) cannot make a new object of this name.
   */
  @Override
  @Required
  public GpuBudgetSpec getSpec() {
    return super.getSpec();
  }
}
