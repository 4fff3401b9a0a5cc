package io.gpucompute.api.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every string, list and map of the committed CRDs is bounded, by the one table that docs/api-reference.md shows. */
class SchemaLimitsTest {

  private static final Path CRDS = Path.of("..", "crds");
  private static final Path API_REFERENCE = Path.of("..", "docs", "api-reference.md");

  @ParameterizedTest
  @ValueSource(strings = {"gpujobs.gpucompute.io", "providerconfigs.gpucompute.io", "gpudags.gpucompute.io"})
  void everyStringListAndMapOfTheCommittedCrdHasItsLimit(String name) throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CRDS.resolve(name + ".yaml")),
        CustomResourceDefinition.class);
    JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    List<String> unbounded = new ArrayList<>();
    List<String> bounded = new ArrayList<>();

    for (String part : List.of("spec", "status")) {
      check(root.getProperties().get(part), part, unbounded, bounded);
    }

    assertThat(unbounded).as("%s: strings, lists and maps without a limit", name).isEmpty();
    assertThat(bounded).as("%s: the limits come from SchemaLimits", name).isNotEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(textBlock = """
      spec.command,                                     64
      spec.command[],                                   16384
      spec.tasks[].template.args[],                     16384
      spec.defaults.env[].value,                        32768
      spec.allowedNamespaces.matchLabels{},             63
      spec.kubernetes.nodeSelectors{}{},                63
      status.conditions[].message,                      32768
      status.logTail,                                   1048576
      """)
  void limitsByPath(String path, long limit) {
    assertThat(SchemaLimits.limitFor(path)).contains(limit);
  }

  @Test
  void aStringThatNoRuleCoversFailsTheBuildNamingIt() {
    JSONSchemaProps spec = new JSONSchemaPropsBuilder().withType("object")
        .addToProperties("newField", new JSONSchemaPropsBuilder().withType("string").build()).build();
    CustomResourceDefinition crd = Serialization.unmarshal("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: things.example}
        spec:
          group: example
          names: {kind: Thing, plural: things}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema: {type: object}
        """, CustomResourceDefinition.class);
    crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().setProperties(
        new LinkedHashMap<>(Map.of("spec", spec)));

    assertThatThrownBy(() -> SchemaLimits.apply(crd)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spec.newField");
  }

  @Test
  void theApiReferenceListsEveryRuleWithItsLimit() throws IOException {
    String doc = Files.readString(API_REFERENCE);
    String section = doc.substring(doc.indexOf("## Size limits"));
    List<String> documented = section.lines().filter(line -> line.startsWith("| ") && !line.startsWith("| Fields"))
        .toList();

    assertThat(documented).as("docs/api-reference.md, Size limits").containsExactlyElementsOf(
        SchemaLimits.RULES.stream().map(rule -> "| " + rule.fields() + " | " + rule.limit() + " |").toList());
  }

  private static void check(JSONSchemaProps schema, String path, List<String> unbounded, List<String> bounded) {
    switch (Optional.ofNullable(schema.getType()).orElse("")) {
      case "string" -> {
        if (schema.getEnum() == null || schema.getEnum().isEmpty()) {
          record(schema.getMaxLength(), path, unbounded, bounded);
        }
      }
      case "array" -> {
        record(schema.getMaxItems(), path, unbounded, bounded);
        check(schema.getItems().getSchema(), path + "[]", unbounded, bounded);
      }
      case "object" -> {
        if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
          record(schema.getMaxProperties(), path, unbounded, bounded);
          check(schema.getAdditionalProperties().getSchema(), path + "{}", unbounded, bounded);
        }
        if (schema.getProperties() != null) {
          schema.getProperties().forEach((name, property) -> check(property, path + "." + name, unbounded, bounded));
        }
      }
      default -> { }
    }
  }

  private static void record(Long limit, String path, List<String> unbounded, List<String> bounded) {
    if (limit == null) {
      unbounded.add(path);
    } else {
      assertThat(SchemaLimits.limitFor(path)).as("the limit of %s", path).contains(limit);
      bounded.add(path);
    }
  }
}
