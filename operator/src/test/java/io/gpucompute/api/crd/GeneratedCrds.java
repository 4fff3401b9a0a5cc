package io.gpucompute.api.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Finishes the CRDs that fabric8's generator wrote: the printer columns in declared order
 * ({@link PrinterColumnOrder}) and the size limits ({@link SchemaLimits}). The build runs {@link #main} once the test
 * classes are compiled (phase process-test-classes: it is a build tool, kept out of the operator's jar), before the
 * tests and the jar; {@code hack/update-crds.sh} copies the result to the committed {@code crds/}.
 */
public final class GeneratedCrds {

  private GeneratedCrds() {}

  /**
   * Rewrites generated CRD files in place.
   *
   * @param args the directory of generated CRDs, then the custom resource classes whose CRDs it holds
   */
  public static void main(String[] args) throws IOException, ClassNotFoundException {
    Path directory = Path.of(args[0]);
    for (String className : Arrays.asList(args).subList(1, args.length)) {
      Class<? extends CustomResource<?, ?>> type = customResourceClass(className);
      Path file = directory.resolve(CustomResource.getCRDName(type) + "-v1.yml");
      CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      PrinterColumnOrder.reorder(crd, PrinterColumnOrder.declaredOrder(type));
      SchemaLimits.apply(crd);
      Files.writeString(file, "# Generated from the Java API by the build (hack/update-crds.sh); do not edit.\n"
          + Serialization.asYaml(crd));
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends CustomResource<?, ?>> customResourceClass(String name) throws ClassNotFoundException {
    return (Class<? extends CustomResource<?, ?>>) Class.forName(name);
  }
}
