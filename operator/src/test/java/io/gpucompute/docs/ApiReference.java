package io.gpucompute.docs;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Generates the tables of docs/api-reference.md from the committed CRDs (crds/*.yaml), so that they say what the API
 * server enforces: each field's type, whether it is required, its default, its validation (enum, pattern, bounds,
 * lengths, item counts, CEL rules) and its description (the Javadoc of the API classes). Hand-written prose stays
 * around them: only the text between a marker and the next end marker is generated,
 *
 * <pre>
 * &lt;!-- generated: spec of crds/gpujobs.gpucompute.io.yaml --&gt;
 * ...
 * &lt;!-- end of generated --&gt;
 * </pre>
 *
 * where the section is {@code spec}, {@code status} or {@code printer columns} of one CRD, or {@code names} of
 * {@code crds/} (one table for all). {@code hack/update-crds.sh} runs {@link #main}; ApiReferenceTest fails the
 * build when the committed file differs from what this generates.
 */
public final class ApiReference {

  private static final Pattern BLOCK = Pattern.compile(
      "(<!-- generated: ([a-z ]+) of (crds/[^ ]*) -->\\n)(.*?)(<!-- end of generated -->)", Pattern.DOTALL);

  /** The generated document, relative to the repository root. */
  static final String DOCUMENT = "docs/api-reference.md";

  private ApiReference() {}

  /** Rewrites the generated blocks of docs/api-reference.md under the repository root {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Path repoRoot = Path.of(args[0]);
    Path document = repoRoot.resolve(DOCUMENT);
    String before = Files.readString(document);
    String after = render(before, repoRoot);
    if (!after.equals(before)) {
      Files.writeString(document, after);
    }
    System.out.println(DOCUMENT + (after.equals(before) ? " is up to date" : " updated from crds/"));
  }

  /** {@code document} with each generated block rendered afresh from the files it names under {@code repoRoot}. */
  static String render(String document, Path repoRoot) {
    Matcher block = BLOCK.matcher(document);
    StringBuilder out = new StringBuilder();
    int blocks = 0;
    while (block.find()) {
      blocks++;
      String section = block.group(2);
      Path source = repoRoot.resolve(block.group(3));
      String table = section.equals("names") ? names(crdsIn(source)) : section(section, crd(source));
      block.appendReplacement(out, Matcher.quoteReplacement(block.group(1) + table + block.group(5)));
    }
    block.appendTail(out);
    if (blocks == 0) {
      throw new IllegalArgumentException("no '<!-- generated: ... -->' block in the document");
    }
    return out.toString();
  }

  private static String section(String section, CustomResourceDefinition crd) {
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    return switch (section) {
      case "spec" -> specTable(root.getProperties().get("spec"));
      case "status" -> statusTable(root.getProperties().get("status"));
      case "printer columns" -> printerColumns(version.getAdditionalPrinterColumns());
      default -> throw new IllegalArgumentException("unknown section '" + section + "' of " + crd.getMetadata().getName());
    };
  }

  // ----- tables ----------------------------------------------------------------------------------------------------

  private record Row(String field, JSONSchemaProps schema, boolean required, String sameAs) {}

  private static String specTable(JSONSchemaProps spec) {
    StringBuilder table = new StringBuilder("""
        | Field | Type | Required | Default | Validation | Description |
        |---|---|---|---|---|---|
        """);
    for (Row row : rows(spec)) {
      table.append("| `").append(row.field()).append("` | ").append(type(row.schema())).append(" | ")
          .append(row.required() ? "yes" : "").append(" | ").append(defaultValue(row.schema())).append(" | ")
          .append(validation(row.schema())).append(" | ").append(description(row)).append(" |\n");
    }
    return table.toString();
  }

  private static String statusTable(JSONSchemaProps status) {
    StringBuilder table = new StringBuilder("""
        | Field | Type | Description |
        |---|---|---|
        """);
    for (Row row : rows(status)) {
      table.append("| `").append(row.field()).append("` | ").append(type(row.schema())).append(" | ")
          .append(description(row)).append(" |\n");
    }
    return table.toString();
  }

  private static String printerColumns(List<CustomResourceColumnDefinition> columns) {
    StringBuilder table = new StringBuilder("""
        In the order the CRD declares them. Columns with priority 1 show only with `kubectl get -o wide`.

        | Name | JSONPath | Type | Priority |
        |---|---|---|---|
        """);
    for (CustomResourceColumnDefinition column : columns) {
      table.append("| `").append(column.getName()).append("` | `").append(cell(column.getJsonPath())).append("` | ")
          .append(column.getType()).append(" | ").append(Objects.requireNonNullElse(column.getPriority(), 0))
          .append(" |\n");
    }
    return table.toString();
  }

  private static String names(List<CustomResourceDefinition> crds) {
    StringBuilder table = new StringBuilder("""
        | Kind | Group | Scope | Plural | Singular | Short names | Categories |
        |---|---|---|---|---|---|---|
        """);
    for (CustomResourceDefinition crd : crds) {
      CustomResourceDefinitionNames names = crd.getSpec().getNames();
      table.append("| `").append(names.getKind()).append("` | `").append(crd.getSpec().getGroup()).append("` | ")
          .append(crd.getSpec().getScope()).append(" | `").append(names.getPlural()).append("` | `")
          .append(names.getSingular()).append("` | ").append(codes(names.getShortNames())).append(" | ")
          .append(codes(names.getCategories())).append(" |\n");
    }
    return table.toString();
  }

  // ----- fields ----------------------------------------------------------------------------------------------------

  /**
   * Every field under {@code schema}, depth first in the CRD's order; an object whose fields are those of an object
   * listed before it (a GpuDag's tasks[].template and its defaults) is one row that says so.
   */
  private static List<Row> rows(JSONSchemaProps schema) {
    List<Row> rows = new ArrayList<>();
    addFields("", schema, rows, new HashMap<>());
    return rows;
  }

  private static void addFields(String prefix, JSONSchemaProps object, List<Row> rows, Map<String, String> seen) {
    if (!hasFields(object)) {
      return;
    }
    List<String> required = Objects.requireNonNullElse(object.getRequired(), List.of());
    object.getProperties().forEach((name, field) -> {
      String path = prefix + name;
      JSONSchemaProps inner = fieldsOf(field);
      String nested = inner == null ? null : path + suffix(field);
      String shape = inner == null || inner.getProperties().size() < 2 ? null : shape(inner);
      String sameAs = shape == null ? null : seen.get(shape);
      rows.add(new Row(path, field, required.contains(name), sameAs));
      if (inner != null && sameAs == null) {
        if (shape != null) {
          seen.put(shape, path);
        }
        addFields(nested + ".", inner, rows, seen);
      }
    });
  }

  /** The object whose fields a field holds: itself, its items' or its map values' schema; null for none. */
  private static JSONSchemaProps fieldsOf(JSONSchemaProps field) {
    JSONSchemaProps holder = field;
    while (holder != null && !hasFields(holder)) {
      holder = element(holder);
    }
    return holder;
  }

  /** How a path goes from a field to the fields it holds: [] for array items, .* for map values. */
  private static String suffix(JSONSchemaProps field) {
    StringBuilder suffix = new StringBuilder();
    for (JSONSchemaProps s = field; s != null && !hasFields(s); s = element(s)) {
      suffix.append("array".equals(s.getType()) ? "[]" : ".*");
    }
    return suffix.toString();
  }

  private static boolean hasFields(JSONSchemaProps schema) {
    return schema.getProperties() != null && !schema.getProperties().isEmpty();
  }

  /** The schema of an array's items or a map's values, or null. */
  private static JSONSchemaProps element(JSONSchemaProps schema) {
    if ("array".equals(schema.getType()) && schema.getItems() != null) {
      return schema.getItems().getSchema();
    }
    if (schema.getAdditionalProperties() != null) {
      return schema.getAdditionalProperties().getSchema();
    }
    return null;
  }

  /** A schema's fields as JSON, without its own description: equal for two fields of the same type. */
  private static String shape(JSONSchemaProps object) {
    return Serialization.asJson(object.getProperties()) + Serialization.asJson(object.getRequired());
  }

  private static String type(JSONSchemaProps schema) {
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      return "integer or string";
    }
    if ("array".equals(schema.getType())) {
      JSONSchemaProps items = element(schema);
      return "array of " + (items == null ? "any" : type(items));
    }
    if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
      return "map of string to " + type(schema.getAdditionalProperties().getSchema());
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
      return "object (any fields)";
    }
    return Objects.requireNonNullElse(schema.getType(), "any");
  }

  private static String defaultValue(JSONSchemaProps schema) {
    JsonNode value = schema.getDefault();
    return value == null ? "" : "`" + cell(value.isTextual() ? value.asText() : value.toString()) + "`";
  }

  private static String validation(JSONSchemaProps schema) {
    List<String> rules = new ArrayList<>();
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      rules.add("one of " + codes(schema.getEnum().stream().map(JsonNode::asText).toList()));
    }
    if (schema.getPattern() != null) {
      rules.add("pattern `" + cell(schema.getPattern()) + "`");
    }
    if (schema.getFormat() != null) {
      rules.add("format `" + schema.getFormat() + "`");
    }
    range("", schema.getMinimum(), schema.getMaximum()).ifPresent(rules::add);
    range("length ", number(schema.getMinLength()), number(schema.getMaxLength())).ifPresent(rules::add);
    range("items ", number(schema.getMinItems()), number(schema.getMaxItems())).ifPresent(rules::add);
    range("entries ", number(schema.getMinProperties()), number(schema.getMaxProperties())).ifPresent(rules::add);
    if (Boolean.TRUE.equals(schema.getUniqueItems())) {
      rules.add("unique items");
    }
    for (ValidationRule rule : Objects.requireNonNullElse(schema.getXKubernetesValidations(), List.<ValidationRule>of())) {
      rules.add("rule `" + cell(rule.getRule()) + "`" + (rule.getMessage() == null ? "" : ": " + cell(rule.getMessage())));
    }
    return String.join("; ", rules);
  }

  private static Optional<String> range(String what, Double min, Double max) {
    if (min == null && max == null) {
      return Optional.empty();
    }
    if (min != null && max != null) {
      return Optional.of(what + plain(min) + "–" + plain(max));
    }
    return Optional.of(what + (min != null ? "≥ " + plain(min) : "≤ " + plain(max)));
  }

  private static Double number(Long value) {
    return value == null ? null : value.doubleValue();
  }

  private static String plain(Double value) {
    return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
  }

  private static String description(Row row) {
    String text = Objects.requireNonNullElse(row.schema().getDescription(), "");
    if (row.sameAs() != null) {
      text += (text.isEmpty() ? "" : " ") + "Its fields are those of `" + row.sameAs() + "`, above.";
    }
    return cell(text).replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String codes(List<String> values) {
    return values == null ? "" : values.stream().map(v -> "`" + cell(v) + "`").collect(Collectors.joining(", "));
  }

  /** Text for a table cell: on one line, pipes escaped. */
  private static String cell(String text) {
    return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").trim();
  }

  // ----- files -----------------------------------------------------------------------------------------------------

  private static CustomResourceDefinition crd(Path file) {
    try {
      return Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The CRDs of a directory, in the order of their file names. */
  private static List<CustomResourceDefinition> crdsIn(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      Map<String, CustomResourceDefinition> byFile = new TreeMap<>();
      files.filter(f -> f.toString().endsWith(".yaml")).forEach(f -> byFile.put(f.getFileName().toString(), crd(f)));
      return List.copyOf(byFile.values());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }
}
