package io.gpucompute.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.DATE;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.INTEGER;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.STRING;

/**
 * A provider account that GpuJobs run on: its type, region, credentials (by Secret reference), limits,
 * prices, and the namespaces that may use it. Cluster-scoped, owned by platform admins.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames({"gpc", "providerconfig"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type", type = STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = STRING)
@AdditionalPrinterColumn(name = "Active", jsonPath = ".status.activeJobs", type = INTEGER)
@AdditionalPrinterColumn(name = "Region", jsonPath = ".spec.region", type = STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = DATE)
public class ProviderConfig extends CustomResource<ProviderConfigSpec, ProviderConfigStatus> {

  /**
   * What is wanted. Required: the API server refuses an object without it, so a write that carries only metadata
   * (a finalizer applied to an object that was just deleted) cannot make a new object of this name.
   */
  @Override
  @Required
  public ProviderConfigSpec getSpec() {
    return super.getSpec();
  }
}
