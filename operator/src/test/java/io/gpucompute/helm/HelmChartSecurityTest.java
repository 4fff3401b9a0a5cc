package io.gpucompute.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's security boundaries, rendered by real Helm: every RBAC rule is in the reviewed table of
 * docs/security.md, the Kubernetes provider's writes are Roles in the listed namespaces only, and the chart refuses a
 * Local provider set-up that would lose or duplicate jobs.
 */
class HelmChartSecurityTest {

  private static final Path SECURITY_MD = Path.of("..", "docs", "security.md");
  private static final String OPERATOR = "gpucompute-gpu-compute-operator";

  /** Every option that renders a role or a rule: scoped Secrets, teams, admins, both providers with their state. */
  private static final Consumer<TemplateCommand> EVERYTHING_ON = t -> t
      .set("rbac.secrets.scope", "namespaces").set("rbac.secrets.namespaces[0]", "ml-shared")
      .set("teams[0].name", "team-a").set("teams[0].namespace", "team-a").set("teams[0].oidcGroups[0]", "team-a")
      .set("adminGroups[0]", "gpu-admins")
      .set("providers.kubernetes.enabled", true).set("providers.kubernetes.namespaces[0]", "gpu-jobs")
      .set("providers.kubernetes.namespaces[1]", "team-a")
      .set("providers.local.enabled", true).set("replicaCount", 1);

  /** One rule of one role, as the table writes it: cells sorted, so the order within a cell does not matter. */
  record Row(String role, String kind, Set<String> apiGroups, Set<String> resources, Set<String> verbs) {}

  @Test
  void everyRuleOfEveryRoleTheChartRendersIsInTheReviewedTableOfSecurityMd() throws IOException {
    Set<Row> rendered = new HashSet<>(rows(HelmChartTest.render(t -> {})));
    rendered.addAll(rows(HelmChartTest.render(EVERYTHING_ON)));
    List<String> tableLines = reviewedTable();
    Set<Row> reviewed = tableLines.stream().map(HelmChartSecurityTest::row).collect(Collectors.toSet());

    assertThat(tableLines).as("every row says when and why").allSatisfy(line -> {
      List<String> cells = cells(line);
      assertThat(cells.get(5)).isNotBlank();
      assertThat(cells.get(6)).hasSizeGreaterThan(10);
    });
    assertThat(reviewed).as("rules the chart renders that docs/security.md does not list (add a row saying why)")
        .containsAll(rendered);
    assertThat(rendered).as("rows of docs/security.md that no rendered rule matches any more").containsAll(reviewed);
  }

  @Test
  void noRoleTheChartRendersHasAWildcard() {
    List<PolicyRule> rules = Stream.concat(HelmChartTest.render(EVERYTHING_ON).stream(),
            HelmChartTest.render(t -> {}).stream())
        .flatMap(o -> o instanceof ClusterRole c ? c.getRules().stream()
            : o instanceof Role r ? r.getRules().stream() : Stream.empty()).toList();

    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    });
  }

  @Test
  void theKubernetesProvidersWritesAreRolesInTheListedNamespacesOnly() {
    List<HasMetadata> objects = HelmChartTest.render(t -> t.set("providers.kubernetes.enabled", true)
        .set("providers.kubernetes.namespaces[0]", "gpu-jobs").set("providers.kubernetes.namespaces[1]", "team-b"));

    assertThat(objects.stream().filter(o -> o instanceof ClusterRole).map(o -> (ClusterRole) o)
        .flatMap(role -> role.getRules().stream()))
        .as("no ClusterRole grants Jobs, Pods or Secret writes")
        .noneMatch(rule -> rule.getResources().contains("jobs") || rule.getResources().contains("pods"))
        .noneMatch(rule -> rule.getResources().contains("secrets") && !rule.getVerbs().equals(List.of("get")));
    assertThat(objects.stream().filter(o -> o instanceof Role && o.getMetadata().getName().endsWith(
        "-kubernetes-provider")).map(o -> o.getMetadata().getNamespace())).containsExactlyInAnyOrder("gpu-jobs", "team-b");
    assertThat(objects.stream().filter(o -> o instanceof RoleBinding && o.getMetadata().getName().endsWith(
        "-kubernetes-provider")).map(o -> ((RoleBinding) o).getRoleRef().getKind())).containsOnly("Role").hasSize(2);
    assertThatThrownBy(() -> HelmChartTest.template(t -> t.set("providers.kubernetes.enabled", true)))
        .hasMessageContaining("providers.kubernetes.enabled needs providers.kubernetes.namespaces");
  }

  @Test
  void localRunsOneReplicaWithItsStateOnAClaimAndNeverTwoPodsAtOnce() {
    List<HasMetadata> objects = HelmChartTest.render(t -> t.set("providers.local.enabled", true)
        .set("replicaCount", 1));

    Deployment deployment = objects.stream().filter(o -> o instanceof Deployment).map(o -> (Deployment) o)
        .findFirst().orElseThrow();
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(pod.getContainers().get(0).getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED");
      assertThat(e.getValue()).isEqualTo("true");
    }).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("GPUCOMPUTE_STATE_DIR");
      assertThat(e.getValue()).isEqualTo("/var/lib/gpucompute");
    });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("local-state")).singleElement()
        .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(OPERATOR + "-local-state"));
    assertThat(objects).anySatisfy(o -> assertThat(o).isInstanceOfSatisfying(PersistentVolumeClaim.class,
        claim -> assertThat(claim.getMetadata().getName()).isEqualTo(OPERATOR + "-local-state")));

    Deployment off = HelmChartTest.render(t -> {}).stream().filter(o -> o instanceof Deployment)
        .map(o -> (Deployment) o).findFirst().orElseThrow();
    assertThat(off.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().startsWith("GPUCOMPUTE_LOCAL"));
  }

  @Test
  void theChartRefusesTwoReplicasWithLocalOnEmptyDirAndEachUnsafeHalfAlone() {
    assertThatThrownBy(() -> HelmChartTest.template(t -> t.set("providers.local.enabled", true)
        .set("providers.local.state.type", "emptyDir"))).hasMessageContaining("replicaCount: 1");
    assertThatThrownBy(() -> HelmChartTest.template(t -> t.set("providers.local.enabled", true)))
        .as("the default two replicas").hasMessageContaining("providers.local.enabled needs replicaCount: 1");
    assertThatThrownBy(() -> HelmChartTest.template(t -> t.set("providers.local.enabled", true)
        .set("replicaCount", 1).set("providers.local.state.type", "emptyDir")))
        .hasMessageContaining("emptyDir is refused");
    assertThatThrownBy(() -> HelmChartTest.template(t -> t.set("providers.local.enabled", true)
        .set("replicaCount", 1).set("providers.local.state.type", "hostPath")))
        .hasMessageContaining("needs providers.local.state.hostPath");
    assertThat(HelmChartTest.template(t -> t.set("providers.local.enabled", true).set("replicaCount", 1)
        .set("providers.local.state.type", "hostPath").set("providers.local.state.hostPath", "/var/lib/gpucompute")))
        .contains("path: /var/lib/gpucompute").doesNotContain("kind: PersistentVolumeClaim");
  }

  private static Set<Row> rows(List<HasMetadata> objects) {
    Set<Row> rows = new HashSet<>();
    for (HasMetadata object : objects) {
      List<PolicyRule> rules = object instanceof ClusterRole c ? c.getRules()
          : object instanceof Role r ? r.getRules() : List.of();
      String role = object.getMetadata().getName().replace(OPERATOR, "<operator>");
      for (PolicyRule rule : rules) {
        rows.add(new Row(role, object.getKind(), new TreeSet<>(rule.getApiGroups()),
            new TreeSet<>(rule.getResources()), new TreeSet<>(rule.getVerbs())));
      }
    }
    return rows;
  }

  private static List<String> reviewedTable() throws IOException {
    List<String> lines = Files.readAllLines(SECURITY_MD);
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("<!-- rbac-table")).findFirst()
        .orElseThrow(() -> new AssertionError("docs/security.md has no rbac-table marker")));
    return lines.subList(start + 3, lines.size()).stream().takeWhile(l -> l.startsWith("| ")).toList();
  }

  private static Row row(String line) {
    List<String> cells = cells(line);
    return new Row(plain(cells.get(0)), cells.get(1), set(cells.get(2)), set(cells.get(3)), set(cells.get(4)));
  }

  private static List<String> cells(String line) {
    return Stream.of(line.substring(1, line.length() - 1).split("\\|")).map(String::strip).toList();
  }

  private static Set<String> set(String cell) {
    return Stream.of(cell.split(",")).map(HelmChartSecurityTest::plain).map(v -> v.equals("\"\"") ? "" : v)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String plain(String cell) {
    return cell.strip().replace("`", "");
  }
}
