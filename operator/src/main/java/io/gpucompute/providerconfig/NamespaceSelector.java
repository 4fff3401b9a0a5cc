package io.gpucompute.providerconfig;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.gpucompute.kube.LabelSelectorMatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Evaluates a ProviderConfig's {@code allowedNamespaces} label selector against a namespace. Pure. */
public final class NamespaceSelector {

  private NamespaceSelector() {}

  /**
   * Whether {@code selector} allows the namespace. An unset or empty selector allows every namespace. The
   * namespace's name is matched as the label {@code kubernetes.io/metadata.name} too, as Kubernetes 1.21+ sets it.
   */
  public static boolean allows(LabelSelector selector, Map<String, String> namespaceLabels, String namespaceName) {
    if (allowsEveryNamespace(selector)) {
      return true;
    }
    Map<String, String> labels = new HashMap<>(namespaceLabels == null ? Map.of() : namespaceLabels);
    labels.putIfAbsent("kubernetes.io/metadata.name", namespaceName);
    return LabelSelectorMatch.matches(selector, labels);
  }

  /** Whether {@code selector} is unset or empty, which allows every namespace. */
  public static boolean allowsEveryNamespace(LabelSelector selector) {
    return selector == null || (isEmpty(selector.getMatchLabels()) && isEmpty(selector.getMatchExpressions()));
  }

  private static boolean isEmpty(Map<?, ?> map) {
    return map == null || map.isEmpty();
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
