package io.gpucompute.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under crds/ are exactly what the build generates from the Java API, and they carry the
 * printer columns and validation the API promises. Run hack/update-crds.sh after changing the API.
 */
class CommittedCrdsTest {

  private static final Path COMMITTED = Path.of("..", "crds");
  private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");

  @ParameterizedTest
  @ValueSource(strings = {"gpujobs.gpucompute.io", "providerconfigs.gpucompute.io", "gpudags.gpucompute.io",
      "gpubudgets.gpucompute.io"})
  void theCommittedCrdIsTheGeneratedOne(String name) throws IOException {
    String committed = Files.readString(COMMITTED.resolve(name + ".yaml"));
    String generated = Files.readString(GENERATED.resolve(name + "-v1.yml"));

    assertThat(committed)
        .as("crds/%s.yaml differs from the CRD generated from the Java API; run hack/update-crds.sh", name)
        .isEqualTo(generated);
  }

  private static CustomResourceDefinitionVersion version(String name) throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(COMMITTED.resolve(name + ".yaml")),
        CustomResourceDefinition.class);
    return crd.getSpec().getVersions().get(0);
  }

  private static JSONSchemaProps spec(CustomResourceDefinitionVersion version) {
    return version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void gpuJobsListStatusProviderGpuCostAndAgeInThatOrder() throws IOException {
    CustomResourceDefinitionVersion version = version("gpujobs.gpucompute.io");

    assertThat(version.getAdditionalPrinterColumns().stream().filter(c -> c.getPriority() == 0).map(c -> c.getName()))
        .containsExactly("Status", "Provider", "GPU", "Cost", "Age");
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void gpuJobsRefuseWhatTheSchemaCanCatch() throws IOException {
    JSONSchemaProps spec = spec(version("gpujobs.gpucompute.io"));

    assertThat(spec.getRequired()).contains("image", "gpu").doesNotContain("providerConfigRef");
    assertThat(spec.getProperties().get("spot").getEnum()).extracting(e -> e.asText())
        .containsExactlyInAnyOrder("Never", "Prefer", "Only");
    assertThat(spec.getProperties().get("maxPreemptions").getMinimum()).isEqualTo(0.0);
    assertThat(spec.getProperties().get("placement").getProperties().get("strategy").getEnum())
        .extracting(e -> e.asText()).containsExactlyInAnyOrder("Cheapest", "Ordered");
    assertThat(spec.getProperties().get("gpu").getRequired()).contains("type", "count");
    assertThat(spec.getProperties().get("gpu").getProperties().get("count").getMinimum()).isEqualTo(1.0);
    assertThat(spec.getProperties().get("activeDeadlineSeconds").getMinimum()).isEqualTo(1.0);
    assertThat(spec.getProperties().get("backoffLimit").getMinimum()).isEqualTo(0.0);
    assertThat(spec.getProperties().get("maxPricePerHour").getPattern()).isNotBlank();
    assertThat(spec.getProperties().get("env").getItems().getSchema().getProperties().get("name").getPattern())
        .isNotBlank();
  }

  @Test
  void everySpecFieldExplainsItself() throws IOException {
    for (String name : List.of("gpujobs.gpucompute.io", "providerconfigs.gpucompute.io", "gpudags.gpucompute.io",
        "gpubudgets.gpucompute.io")) {
      JSONSchemaProps spec = spec(version(name));
      spec.getProperties().forEach((field, schema) ->
          assertThat(schema.getDescription()).as("%s spec.%s has a description for kubectl explain", name, field).isNotBlank());
    }
  }

  @Test
  void gpuDagsListStatusProgressCostAndAgeInThatOrder() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(COMMITTED.resolve("gpudags.gpucompute.io.yaml")), CustomResourceDefinition.class);
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);

    assertThat(version.getAdditionalPrinterColumns().stream().map(c -> c.getName()))
        .containsExactly("Status", "Progress", "Cost", "Age");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).contains("gd", "gpudag");
    assertThat(crd.getSpec().getNames().getCategories()).contains("gpucompute");
  }

  @Test
  void gpuDagsRefuseWhatTheSchemaCanCatch() throws IOException {
    JSONSchemaProps spec = spec(version("gpudags.gpucompute.io"));

    assertThat(spec.getRequired()).contains("tasks");
    assertThat(spec.getProperties().get("tasks").getMinItems()).isEqualTo(1L);
    JSONSchemaProps task = spec.getProperties().get("tasks").getItems().getSchema();
    assertThat(task.getRequired()).containsExactly("name");
    assertThat(task.getProperties().get("name").getPattern()).isEqualTo("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    assertThat(task.getProperties().get("name").getMaxLength()).isEqualTo(63L);
    // The template's required fields may come from spec.defaults, so the schema requires none of them.
    assertThat(task.getProperties().get("template").getRequired()).isNullOrEmpty();
    assertThat(spec.getProperties().get("parallelism").getMinimum()).isEqualTo(1.0);
  }

  @Test
  void providerConfigsAreClusterScopedWithAnEnumOfTypes() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(COMMITTED.resolve("providerconfigs.gpucompute.io.yaml")), CustomResourceDefinition.class);
    JSONSchemaProps spec = spec(crd.getSpec().getVersions().get(0));

    assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(crd.getSpec().getNames().getCategories()).contains("gpucompute");
    assertThat(spec.getRequired()).contains("type");
    assertThat(spec.getProperties().get("type").getEnum()).extracting(n -> n.asText())
        .containsExactlyInAnyOrder("Local", "Kubernetes", "RunPod", "AlibabaECS", "TencentTKE");
  }

  @Test
  void gpuBudgetsListPeriodSpentLimitRemainingAndRefuseABadLimit() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(COMMITTED.resolve("gpubudgets.gpucompute.io.yaml")), CustomResourceDefinition.class);
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    JSONSchemaProps spec = spec(version);

    assertThat(version.getAdditionalPrinterColumns().stream().filter(c -> c.getPriority() == 0).map(c -> c.getName()))
        .containsExactly("Period", "Spent", "Limit", "Remaining", "Age");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getCategories()).contains("gpucompute");
    assertThat(spec.getRequired()).containsExactly("limit");
    assertThat(spec.getProperties().get("limit").getPattern()).isEqualTo("^[0-9]+(\\.[0-9]+)?$");
    assertThat(spec.getProperties().get("period").getEnum()).extracting(n -> n.asText())
        .containsExactlyInAnyOrder("Monthly", "Weekly", "Daily", "None");
    assertThat(spec.getProperties().get("onExceeded").getEnum()).extracting(n -> n.asText())
        .containsExactlyInAnyOrder("BlockNew", "StopRunning");
    assertThat(spec.getProperties().get("gpuLimits").getItems().getSchema().getProperties().get("count")
        .getMinimum()).isEqualTo(0.0);
  }
}
