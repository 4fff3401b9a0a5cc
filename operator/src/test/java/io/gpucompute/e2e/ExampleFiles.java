package io.gpucompute.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The files of {@code examples/} and the objects they hold, read as YAML trees. */
final class ExampleFiles {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One file of examples/: its path relative to the repository root, and its objects in file order. */
  record Example(String path, List<JsonNode> objects) {

    /** Whether one of its objects is a GpuJob or GpuDag that runs on a ProviderConfig named in {@code configs}. */
    boolean runsOn(Set<String> configs) {
      return objects.stream().anyMatch(o -> (kind(o).equals("GpuJob") || kind(o).equals("GpuDag"))
          && providerConfigRefs(o).stream().anyMatch(configs::contains));
    }

    /** Whether it declares a ProviderConfig named in {@code configs}. */
    boolean declares(Set<String> configs) {
      return objects.stream().anyMatch(o -> kind(o).equals("ProviderConfig") && configs.contains(name(o)));
    }
  }

  private ExampleFiles() {}

  /** Every *.yaml file under examples/, in path order. */
  static List<Example> all(Path repoRoot) {
    try (Stream<Path> files = Files.walk(repoRoot.resolve("examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
          .map(f -> new Example(repoRoot.relativize(f).toString(), objects(f))).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list examples/", e);
    }
  }

  /** The names of the ProviderConfigs of type Local that the examples declare. */
  static Set<String> localProviderConfigs(List<Example> examples) {
    return examples.stream().flatMap(e -> e.objects().stream())
        .filter(o -> kind(o).equals("ProviderConfig") && o.path("spec").path("type").asText().equals("Local"))
        .map(ExampleFiles::name).collect(Collectors.toSet());
  }

  static String kind(JsonNode object) {
    return object.path("kind").asText();
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  static String namespace(JsonNode object) {
    return object.path("metadata").path("namespace").asText("default");
  }

  /** The ProviderConfigs a GpuJob or GpuDag names: its own, or its defaults' and its tasks' templates'. */
  static Set<String> providerConfigRefs(JsonNode object) {
    JsonNode spec = object.path("spec");
    Stream<JsonNode> specs = kind(object).equals("GpuDag")
        ? Stream.concat(Stream.of(spec.path("defaults")), spec.path("tasks").findValues("template").stream())
        : Stream.of(spec);
    return specs.map(s -> s.path("providerConfigRef").path("name").asText("")).filter(n -> !n.isEmpty())
        .collect(Collectors.toSet());
  }

  private static List<JsonNode> objects(Path file) {
    try {
      return YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll().stream()
          .filter(node -> node != null && node.isObject()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
