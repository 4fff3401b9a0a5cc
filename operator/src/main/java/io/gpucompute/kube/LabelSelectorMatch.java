package io.gpucompute.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Evaluates a Kubernetes label selector ({@code matchLabels} and {@code matchExpressions}) against labels. Pure. */
public final class LabelSelectorMatch {

  private LabelSelectorMatch() {}

  /** Whether {@code labels} satisfy every term of {@code selector}; an unset or empty selector matches everything. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> required : selector.getMatchLabels().entrySet()) {
        if (!required.getValue().equals(actual.get(required.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        if (!matches(requirement, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(requirement.getKey());
      case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
      default -> false;
    };
  }
}
