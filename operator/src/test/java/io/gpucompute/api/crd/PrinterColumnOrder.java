package io.gpucompute.api.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a generated CRD's printer columns in the order its class declares them.
 *
 * <p>fabric8's CRD generator sorts {@code additionalPrinterColumns} by JSON path, so {@code kubectl get}
 * would show Age first (fabric8io/kubernetes-client#7454). The build runs {@link #main} once the test classes are
 * compiled (phase process-test-classes: it is a build tool, kept out of the operator's jar), before the tests and the
 * jar; {@code hack/update-crds.sh} copies the result to the committed {@code crds/}.
 */
public final class PrinterColumnOrder {

  private PrinterColumnOrder() {}

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
      reorder(crd, declaredOrder(type));
      Files.writeString(file, "# Generated from the Java API by the build (hack/update-crds.sh); do not edit.\n"
          + Serialization.asYaml(crd));
    }
  }

  /** The printer column names in the order the class declares them. */
  public static List<String> declaredOrder(Class<?> type) {
    return Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class)).map(AdditionalPrinterColumn::name).toList();
  }

  /** Sorts every version's printer columns by their place in {@code order}; unknown names go last. */
  public static void reorder(CustomResourceDefinition crd, List<String> order) {
    Comparator<CustomResourceColumnDefinition> byDeclaration = Comparator.comparingInt(column -> {
      int index = order.indexOf(column.getName());
      return index < 0 ? Integer.MAX_VALUE : index;
    });
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      if (version.getAdditionalPrinterColumns() != null) {
        version.getAdditionalPrinterColumns().sort(byDeclaration);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends CustomResource<?, ?>> customResourceClass(String name) throws ClassNotFoundException {
    return (Class<? extends CustomResource<?, ?>>) Class.forName(name);
  }
}
