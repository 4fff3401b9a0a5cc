package io.gpucompute.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChartGroupsTest {

  @TempDir Path dir;

  private Path values(String yaml) throws Exception {
    return Files.writeString(dir.resolve("values.yaml"), yaml);
  }

  @Test
  void theChartsOwnDefaultsBindNoGroupsWithThePrefixOidc() {
    ChartGroups chart = ChartGroups.read(Path.of("..", "helm", "gpu-compute-operator", "values.yaml"));

    assertThat(chart.groups()).isEmpty();
    assertThat(chart.groupPrefix()).isEqualTo("oidc:");
  }

  @Test
  void everyTeamsGroupsThenTheAdminGroupsEachOnce() throws Exception {
    ChartGroups chart = ChartGroups.read(values("""
        groupPrefix: "corp:"
        teams:
          - name: team-a
            namespace: team-a
            oidcGroups: [team-a]
          - name: team-b
            namespace: team-b
            oidcGroups: [team-b, ml-leads]
          - name: research
            namespace: research
            oidcGroups: [ml-leads]
        adminGroups: [gpu-admins]
        """));

    assertThat(chart.groups()).containsExactly("team-a", "team-b", "ml-leads", "gpu-admins");
    assertThat(chart.groupPrefix()).isEqualTo("corp:");
  }

  @Test
  void aTeamWithoutGroupsAndAnEmptyFileAreFine() throws Exception {
    assertThat(ChartGroups.read(values("teams:\n  - name: x\n    namespace: x\n")).groups()).isEmpty();
    assertThat(ChartGroups.read(values("")).groupPrefix()).isEqualTo("oidc:");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "adminGroups: gpu-admins                              | adminGroups must be a list of group names",
      "teams: [{name: a, namespace: a, oidcGroups: [1]}]     | teams[0].oidcGroups must hold group names",
      "groupPrefix: [a]                                     | groupPrefix must be a string",
  })
  void badShapesAreRefusedNamingTheField(String yaml, String message) throws Exception {
    Path file = values(yaml);

    assertThatThrownBy(() -> ChartGroups.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining(message);
  }

  @Test
  void aMissingFileIsRefusedNamingIt() {
    assertThatThrownBy(() -> ChartGroups.read(dir.resolve("nope.yaml")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.yaml");
  }
}
