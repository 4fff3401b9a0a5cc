package io.gpucompute.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gpucompute.Main;
import io.gpucompute.operator.GpuComputeOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart under helm/gpu-compute-operator, linted and rendered by real Helm (helm-java's native library). */
class HelmChartTest {

  static final Path CHART = Path.of("..", "helm", "gpu-compute-operator");
  private static final Path CRDS = Path.of("..", "crds");

  @Test
  void theChartLintsCleanly() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
  }

  @Test
  void theChartCarriesTheSameCrdsAsTheRepository() throws Exception {
    List<String> names;
    try (Stream<Path> files = Files.list(CRDS)) {
      names = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    try (Stream<Path> files = Files.list(CHART.resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(names);
    }
    for (String name : names) {
      assertThat(Files.readString(CHART.resolve("crds").resolve(name)))
          .as("helm/gpu-compute-operator/crds/%s differs from crds/%s: run hack/update-crds.sh", name, name)
          .isEqualTo(Files.readString(CRDS.resolve(name)));
    }
  }

  @Test
  void theDeploymentPassesPodSecurityRestricted() {
    Deployment deployment = one(render(t -> {}), Deployment.class, "gpucompute-gpu-compute-operator");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    assertThat(pod.getContainers()).hasSize(1);
    var container = pod.getContainers().get(0);
    SecurityContext sc = container.getSecurityContext();
    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(8081);
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(container.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("GPUCOMPUTE_LEADER_ELECTION_NAMESPACE");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
    assertThat(container.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAME");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    });
    assertThat(container.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("POD_NAMESPACE"));
  }

  @Test
  void theOperatorsClusterRoleNeverListsOrWatchesSecrets() {
    List<HasMetadata> objects = render(t -> {});
    ClusterRole role = one(objects, ClusterRole.class, "gpucompute-gpu-compute-operator");
    List<PolicyRule> secretRules = role.getRules().stream()
        .filter(r -> r.getApiGroups().contains("") && r.getResources().contains("secrets")).toList();
    assertThat(secretRules).hasSize(1);
    assertThat(secretRules.get(0).getVerbs()).containsExactly("get");
    assertThat(role.getRules()).allSatisfy(r -> {
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getVerbs()).doesNotContain("*");
    });
    assertThat(rule(role, "", "events").getVerbs()).containsExactlyInAnyOrder("create", "patch");
    assertThat(rule(role, "", "namespaces").getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(rule(role, "gpucompute.io", "gpujobs/status").getVerbs()).contains("patch");
    assertThat(role.getRules()).noneMatch(r -> r.getApiGroups().contains("batch"));
    // Leader election: a Lease in the release namespace only.
    Role leases = one(objects, Role.class, "gpucompute-gpu-compute-operator-leader-election");
    assertThat(leases.getMetadata().getNamespace()).isEqualTo("gpucompute-system");
    assertThat(leases.getRules().get(0).getResources()).containsExactly("leases");
    assertThat(leases.getRules().get(0).getVerbs()).containsExactlyInAnyOrder("get", "create", "update", "patch");
  }

  @Test
  void secretsCanBeReadableOnlyInListedAndTeamNamespaces() {
    List<HasMetadata> objects = render(t -> t.set("rbac.secrets.scope", "namespaces")
        .set("rbac.secrets.namespaces[0]", "ml-shared").set("teams[0].name", "team-a")
        .set("teams[0].namespace", "team-a").set("teams[0].oidcGroups[0]", "team-a"));
    ClusterRole role = one(objects, ClusterRole.class, "gpucompute-gpu-compute-operator");
    assertThat(role.getRules()).noneMatch(r -> r.getResources().contains("secrets"));
    assertThat(objects.stream().filter(o -> o instanceof RoleBinding
            && o.getMetadata().getName().equals("gpucompute-gpu-compute-operator-secret-reader"))
        .map(o -> o.getMetadata().getNamespace()).toList())
        .containsExactlyInAnyOrder("gpucompute-system", "ml-shared", "team-a");
    ClusterRole reader = one(objects, ClusterRole.class, "gpucompute-gpu-compute-operator-secret-reader");
    assertThat(reader.getRules()).singleElement().satisfies(r -> assertThat(r.getVerbs()).containsExactly("get"));
  }

  @Test
  void theRolesForPeopleAggregateIntoEditAndView() {
    List<HasMetadata> objects = render(t -> {});
    ClusterRole user = one(objects, ClusterRole.class, "gpucompute-user");
    assertThat(user.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
    assertThat(user.getRules()).allSatisfy(r -> assertThat(r.getResources())
        .doesNotContain("providerconfigs", "secrets"));
    ClusterRole viewer = one(objects, ClusterRole.class, "gpucompute-viewer");
    assertThat(viewer.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
    assertThat(viewer.getRules()).allSatisfy(r -> assertThat(r.getVerbs())
        .containsExactlyInAnyOrder("get", "list", "watch"));
    ClusterRole admin = one(objects, ClusterRole.class, "gpucompute-admin");
    assertThat(admin.getMetadata().getLabels()).doesNotContainKeys("rbac.authorization.k8s.io/aggregate-to-edit",
        "rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(admin.getRules().get(0).getApiGroups()).containsExactly("gpucompute.io");
  }

  @Test
  void eachTeamGetsItsNamespaceAndRoleBindingsForItsPrefixedGroups() {
    List<HasMetadata> objects = render(t -> t
        .set("teams[0].name", "team-a").set("teams[0].namespace", "team-a")
        .set("teams[0].oidcGroups[0]", "team-a").set("teams[0].oidcGroups[1]", "ml-leads")
        .set("teams[1].name", "team-b").set("teams[1].namespace", "team-b-ns")
        .set("teams[1].oidcGroups[0]", "team-b"));
    assertThat(objects.stream().filter(o -> o.getKind().equals("Namespace")).map(o -> o.getMetadata().getName()))
        .containsExactlyInAnyOrder("team-a", "team-b-ns");
    RoleBinding a = one(objects, RoleBinding.class, "gpucompute-user-team-a");
    assertThat(a.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(a.getRoleRef().getName()).isEqualTo("gpucompute-user");
    assertThat(a.getSubjects()).extracting(Subject::getKind).containsOnly("Group");
    assertThat(a.getSubjects()).extracting(Subject::getName).containsExactly("oidc:team-a", "oidc:ml-leads");
    RoleBinding b = one(objects, RoleBinding.class, "gpucompute-user-team-b");
    assertThat(b.getMetadata().getNamespace()).isEqualTo("team-b-ns");
    assertThat(b.getSubjects()).extracting(Subject::getName).containsExactly("oidc:team-b");
    assertThat(one(objects, RoleBinding.class, "gpucompute-view-team-b").getRoleRef().getName()).isEqualTo("view");

    RoleBinding prefixed = one(render(t -> t.set("groupPrefix", "corp-")
        .set("teams[0].name", "x").set("teams[0].namespace", "x").set("teams[0].oidcGroups[0]", "g")),
        RoleBinding.class, "gpucompute-user-x");
    assertThat(prefixed.getSubjects()).extracting(Subject::getName).containsExactly("corp-g");
  }

  @Test
  void metricsServiceByDefaultAndServiceMonitorOnRequest() {
    assertThat(render(t -> {})).anyMatch(o -> o.getKind().equals("Service")
        && o.getMetadata().getName().equals("gpucompute-gpu-compute-operator-metrics"));
    assertThat(render(t -> {})).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
    String yaml = template(t -> t.set("metrics.serviceMonitor.enabled", true));
    assertThat(yaml).contains("kind: ServiceMonitor").contains("path: /metrics");
  }

  /**
   * High availability: a PodDisruptionBudget over the replicas, the replicas spread over nodes, and a grace period
   * longer than the operator's own stop (its reconcile drain and its Lease release).
   */
  @Test
  void theReplicasHaveADisruptionBudgetASpreadAndProbesAndAGracePeriodForHa() {
    List<HasMetadata> objects = render(t -> t.withKubeVersion("1.30.0"));
    Deployment deployment = one(objects, Deployment.class, "gpucompute-gpu-compute-operator");
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    var selector = deployment.getSpec().getSelector().getMatchLabels();
    PodDisruptionBudget budget = one(objects, PodDisruptionBudget.class, "gpucompute-gpu-compute-operator");
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
    var beforeV1 = one(render(t -> t.withKubeVersion("1.20.2")),
        io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class, "gpucompute-gpu-compute-operator");
    assertThat(beforeV1.getSpec().getMaxUnavailable().getIntVal()).as("policy/v1beta1 before Kubernetes 1.21")
        .isEqualTo(1);
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(spread -> {
      assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(spread.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(selector);
    });
    assertThat(pod.getTerminationGracePeriodSeconds()).as("the grace period covers the operator's longest stop")
        .isGreaterThan(GpuComputeOperator.RECONCILE_DRAIN.plus(Main.LEASE_RELEASE_TIMEOUT).toSeconds());

    List<HasMetadata> single = render(t -> t.set("podDisruptionBudget.enabled", false)
        .set("topologySpread.enabled", false));
    assertThat(single).noneMatch(o -> o.getKind().equals("PodDisruptionBudget"));
    assertThat(one(single, Deployment.class, "gpucompute-gpu-compute-operator").getSpec().getTemplate().getSpec()
        .getTopologySpreadConstraints()).isNullOrEmpty();
  }

  @Test
  void anUnknownSecretsScopeFailsTheRender() {
    assertThatThrownBy(() -> template(t -> t.set("rbac.secrets.scope", "everywhere")))
        .hasMessageContaining("rbac.secrets.scope must be cluster or namespaces");
  }

  // --- helpers ---

  static String template(Consumer<com.marcnuri.helm.TemplateCommand> values) {
    var command = new Helm(CHART).template().withName("gpucompute").withNamespace("gpucompute-system");
    values.accept(command);
    return command.call();
  }

  static List<HasMetadata> render(Consumer<com.marcnuri.helm.TemplateCommand> values) {
    String yaml = template(values);
    return Stream.of(yaml.split("(?m)^---\\s*$")).map(String::strip)
        .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
        .filter(doc -> !doc.contains("kind: ServiceMonitor"))
        .map(doc -> (HasMetadata) Serialization.unmarshal(doc)).toList();
  }

  private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in "
            + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
  }

  private static PolicyRule rule(ClusterRole role, String group, String resource) {
    return role.getRules().stream().filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .findFirst().orElseThrow(() -> new AssertionError("no rule for " + group + "/" + resource));
  }
}
