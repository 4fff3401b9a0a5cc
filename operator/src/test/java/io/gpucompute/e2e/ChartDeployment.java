package io.gpucompute.e2e;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** The operator's Deployment as real Helm renders the chart ({@code helm template}, through helm-java). */
final class ChartDeployment {

  static final Path CHART = Path.of("..", "helm", "gpu-compute-operator");

  private ChartDeployment() {}

  /** The Deployment of release {@code release} in {@code namespace}, with {@code values} set ({@code --set}). */
  static Deployment render(String release, String namespace, Map<String, String> values) {
    TemplateCommand template = new Helm(CHART).template().withName(release).withNamespace(namespace);
    values.forEach(template::set);
    return Stream.of(template.call().split("(?m)^---\\s*$")).map(String::strip)
        .filter(doc -> doc.lines().anyMatch(line -> line.equals("kind: Deployment")))
        .map(doc -> Serialization.unmarshal(doc, Deployment.class)).findFirst()
        .orElseThrow(() -> new AssertionError("the chart rendered no Deployment"));
  }
}
