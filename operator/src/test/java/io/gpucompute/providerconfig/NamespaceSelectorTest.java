package io.gpucompute.providerconfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamespaceSelectorTest {

  static Stream<Arguments> cases() {
    Map<String, String> teamA = Map.of("team", "a");
    return Stream.of(
        Arguments.of("unset allows all", null, teamA, true),
        Arguments.of("empty allows all", new LabelSelector(), teamA, true),
        Arguments.of("matching label", new LabelSelectorBuilder().addToMatchLabels("team", "a").build(), teamA, true),
        Arguments.of("other label value", new LabelSelectorBuilder().addToMatchLabels("team", "b").build(), teamA, false),
        Arguments.of("by name", new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/metadata.name", "ns-a").build(),
            Map.of(), true),
        Arguments.of("In", new LabelSelectorBuilder().addNewMatchExpression().withKey("team").withOperator("In")
            .withValues("a", "c").endMatchExpression().build(), teamA, true),
        Arguments.of("NotIn", new LabelSelectorBuilder().addNewMatchExpression().withKey("team").withOperator("NotIn")
            .withValues("a").endMatchExpression().build(), teamA, false),
        Arguments.of("Exists", new LabelSelectorBuilder().addNewMatchExpression().withKey("gpu").withOperator("Exists")
            .endMatchExpression().build(), teamA, false),
        Arguments.of("DoesNotExist", new LabelSelectorBuilder().addNewMatchExpression().withKey("gpu")
            .withOperator("DoesNotExist").endMatchExpression().build(), teamA, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluatesTheSelectorAgainstTheNamespace(String name, LabelSelector selector, Map<String, String> labels,
      boolean allowed) {
    assertThat(NamespaceSelector.allows(selector, labels, "ns-a")).isEqualTo(allowed);
  }
}
