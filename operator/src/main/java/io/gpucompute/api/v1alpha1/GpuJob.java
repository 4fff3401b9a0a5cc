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
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.INTEGER;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.STRING;

/**
 * One container command on N GPUs of one type, run by the provider that its {@code ProviderConfig} names, or by the
 * best of its candidates (see {@code spec.placement}).
 *
 * <p>Its conditions follow the {@code batch/v1} Job model, so {@code kubectl wait --for=condition=Complete}
 * works, plus the kstatus conditions {@code Reconciling} and {@code Stalled}.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"gj", "gpujob"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = STRING)
@AdditionalPrinterColumn(name = "Provider", jsonPath = ".status.provider", type = STRING)
@AdditionalPrinterColumn(name = "GPU", jsonPath = ".status.gpu", type = STRING)
@AdditionalPrinterColumn(name = "Cost", jsonPath = ".status.accruedCost", type = STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Reconciling\")].reason",
    type = STRING, priority = 1)
@AdditionalPrinterColumn(name = "Queue", jsonPath = ".status.queuePosition", type = INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Attempts", jsonPath = ".status.attempts", type = INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Preempted", jsonPath = ".status.preemptions", type = INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Exit", jsonPath = ".status.exitCode", type = INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "External-ID", jsonPath = ".status.externalId", type = STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = DATE)
public class GpuJob extends CustomResource<GpuJobSpec, GpuJobStatus> implements Namespaced {

  /**
   * What is wanted. Required: the API server refuses an object without it, so a write that carries only metadata
   * (a finalizer applied to an object that was just deleted) cannot make a new object of this name.
   */
  @Override
  @Required
  public GpuJobSpec getSpec() {
    return super.getSpec();
  }
}
