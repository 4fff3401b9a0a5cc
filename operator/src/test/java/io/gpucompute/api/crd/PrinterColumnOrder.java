package io.gpucompute.api.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a generated CRD's printer columns in the order its class declares them.
 *
 * <p>fabric8's CRD generator sorts {@code additionalPrinterColumns} by JSON path, so {@code kubectl get}
 * would show Age first (fabric8io/kubernetes-client#7454). {@link GeneratedCrds} applies it after the generator.
 */
public final class PrinterColumnOrder {

  private PrinterColumnOrder() {}

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
}
