package io.gpucompute.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The OIDC groups that the Helm chart binds, read from the values file it is installed with: every team's
 * {@code oidcGroups}, then {@code adminGroups}, and the {@code groupPrefix} the bindings put before them. Setting up
 * Keycloak from the same file keeps the identity provider's groups and the cluster's RoleBindings in step.
 *
 * @param groups the group names without the prefix, each once, in the order the file lists them
 * @param groupPrefix the chart's {@code groupPrefix} (which the API server's {@code --oidc-groups-prefix} must equal)
 */
public record ChartGroups(List<String> groups, String groupPrefix) {

  /** The chart's default {@code groupPrefix}. */
  public static final String DEFAULT_PREFIX = ApiServerOidcFlags.DEFAULT_PREFIX;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public ChartGroups {
    groups = List.copyOf(groups);
  }

  /**
   * Reads a values file of the chart.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static ChartGroups read(Path valuesFile) {
    JsonNode values;
    try {
      values = YAML.readTree(valuesFile.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read the chart values " + valuesFile + ": " + e.getMessage());
    }
    return of(values == null ? YAML.createObjectNode() : values, valuesFile.toString());
  }

  /** The groups of parsed values; {@code source} names them in errors. */
  static ChartGroups of(JsonNode values, String source) {
    Set<String> groups = new LinkedHashSet<>();
    JsonNode teams = values.path("teams");
    for (int i = 0; i < teams.size(); i++) {
      groups.addAll(strings(teams.get(i).path("oidcGroups"), source + ": teams[" + i + "].oidcGroups"));
    }
    groups.addAll(strings(values.path("adminGroups"), source + ": adminGroups"));
    JsonNode prefix = values.path("groupPrefix");
    if (!prefix.isMissingNode() && !prefix.isNull() && !prefix.isTextual()) {
      throw new IllegalArgumentException(source + ": groupPrefix must be a string");
    }
    return new ChartGroups(new ArrayList<>(groups), prefix.isTextual() ? prefix.asText() : DEFAULT_PREFIX);
  }

  private static List<String> strings(JsonNode list, String where) {
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(where + " must be a list of group names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode item : list) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw new IllegalArgumentException(where + " must hold group names, not " + item);
      }
      names.add(item.asText());
    }
    return names;
  }
}
