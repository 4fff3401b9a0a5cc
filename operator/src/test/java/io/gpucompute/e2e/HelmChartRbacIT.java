package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.job.JobCondition;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart installed into the real API server with real Helm, and the operator run in-process with the
 * chart's ServiceAccount token and the chart's settings (leader election in the release namespace): the chart's
 * least-privilege ClusterRole is enough to run a GpuJob to Succeeded. The control plane has no kubelet, so the
 * chart's Deployment is created but its pods never start; that is expected.
 */
class HelmChartRbacIT extends OperatorE2eTestBase {

  private static final Path CHART = Path.of("..", "helm", "gpu-compute-operator");
  private static final String RELEASE = "gpucompute";
  private static final String RELEASE_NAMESPACE = "gpucompute-system";
  /** The chart's full name for release "gpucompute": also its ServiceAccount's and ClusterRole's name. */
  private static final String FULL_NAME = "gpucompute-gpu-compute-operator";
  private static final String LEASE = "gpucompute-operator-leader";

  private boolean installed;

  /** Installs the chart, then replaces the base class's (admin) operator with one that uses the chart's SA. */
  private KubernetesClient installChartAndRunOperatorAsItsServiceAccount(Consumer<InstallCommand> values,
      boolean leaderElection) {
    operator.close();
    operator = null;
    // No kubelet runs the chart's pods here, so nothing would answer its admission webhook (BudgetsIT tests it).
    InstallCommand install = new Helm(CHART).install().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
        .createNamespace().withKubeConfig(cluster.kubeconfig()).set("webhook.enabled", false);
    values.accept(install);
    Release release = install.call();
    installed = true;
    assertThat(release.getStatus()).isEqualTo("deployed");
    Deployment deployment = client.apps().deployments().inNamespace(RELEASE_NAMESPACE).withName(FULL_NAME).get();
    assertThat(deployment).as("the chart's Deployment exists (its pods never start: no kubelet)").isNotNull();

    KubernetesClient asOperator = cluster.newClientWithToken(serviceAccountToken(RELEASE_NAMESPACE, FULL_NAME));
    operator = InProcessOperator.startWith(asOperator, stateDir,
        leaderElection ? Optional.of(RELEASE_NAMESPACE) : Optional.empty(), FULL_NAME + "-e2e-0");
    return asOperator;
  }

  @Override
  @AfterEach
  void cleanUp() {
    try {
      super.cleanUp();
    } finally {
      if (installed) {
        Helm.uninstall(RELEASE).withNamespace(RELEASE_NAMESPACE).withKubeConfig(cluster.kubeconfig()).call();
        installed = false;
        // The token Secrets of the uninstalled ServiceAccount (the token controller would remove them too).
        client.secrets().inNamespace(RELEASE_NAMESPACE).withLabel("gpucompute.io/e2e-token").delete();
        client.rbac().clusterRoleBindings().withLabel("gpucompute.io/e2e-token").delete();
        client.rbac().clusterRoles().withLabel("gpucompute.io/e2e-token").delete();
        client.serviceAccounts().inNamespace(RELEASE_NAMESPACE).withLabel("gpucompute.io/e2e-token").delete();
      }
    }
  }

  /**
   * Creates Secret {@code greeting} ({@code word=hello}) in {@code ns} and a job on ProviderConfig {@code helm-local}
   * that runs {@code script} with {@code $WORD} from that Secret: the operator must read the Secret to run it.
   */
  private void applyJobReadingASecret(String ns, String name, String script) {
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("greeting")
        .endMetadata().withStringData(Map.of("word", "hello")).build()).create();
    apply(shellJob(ns, name, "helm-local", script).replace("""
          gpu:
        """, """
          env:
            - name: WORD
              valueFrom:
                secretKeyRef:
                  name: greeting
                  key: word
          gpu:
        """));
  }

  @Test
  void theOperatorRunsAJobToSucceededWithOnlyTheChartsServiceAccount() {
    KubernetesClient asOperator = installChartAndRunOperatorAsItsServiceAccount(install -> {}, true);
    String ns = createNamespace("helm-rbac");

    // It is the ServiceAccount, and it cannot list Secrets: only get them by name.
    assertThatThrownBy(() -> asOperator.secrets().inNamespace(ns).list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("system:serviceaccount:" + RELEASE_NAMESPACE + ":" + FULL_NAME);

    apply(localProvider("helm-local", 1));
    applyJobReadingASecret(ns, "as-sa", "[ \"$WORD\" = hello ] && echo ok");

    GpuJob done = awaitPhase(ns, "as-sa", JobPhase.Succeeded);
    assertThat(done.getStatus().getExitCode()).isZero();
    // Events were written with the ServiceAccount's rights, and this replica holds the leader Lease.
    await("the Completed Event").atMost(WAIT).pollInterval(POLL).until(() -> client.v1().events().inNamespace(ns)
        .list().getItems().stream().anyMatch(e -> "as-sa".equals(e.getInvolvedObject().getName())
            && "Completed".equals(e.getReason())));
    Lease lease = client.resources(Lease.class).inNamespace(RELEASE_NAMESPACE).withName(LEASE).get();
    assertThat(lease).as("JOSDK's leader-election Lease").isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(FULL_NAME + "-e2e-0");
  }

  /**
   * With the Kubernetes provider on, the chart grants its writes with a Role in each listed namespace only. Observed:
   * a ProviderConfig that targets a listed namespace is Ready; one that targets any other namespace is refused with
   * reason Forbidden, naming the namespace and what the operator may not do there; and the ServiceAccount really
   * cannot create a Job or a Secret outside the list.
   */
  @Test
  void theKubernetesProviderIsGrantedOnlyTheListedNamespacesAndRefusesAnyOther() {
    String granted = createNamespace("helm-kube-granted");
    String other = createNamespace("helm-kube-other");
    KubernetesClient asOperator = installChartAndRunOperatorAsItsServiceAccount(install -> install
        .set("providers.kubernetes.enabled", "true").set("providers.kubernetes.namespaces[0]", granted), false);

    apply(kubernetesProvider("helm-kube-granted", granted));
    apply(kubernetesProvider("helm-kube-other", other));

    kubectlWait("default", "providerconfig/helm-kube-granted", "Ready", WAIT);
    Condition refused = await("helm-kube-other refused").atMost(WAIT).pollInterval(POLL).until(() ->
        readyCondition("helm-kube-other"), c -> c != null && "False".equals(c.getStatus()));
    assertThat(refused.getReason()).isEqualTo("Forbidden");
    assertThat(refused.getMessage()).contains("namespace " + other).contains("create jobs.batch")
        .contains("create secrets").contains("providers.kubernetes.namespaces");
    assertThatThrownBy(() -> asOperator.batch().v1().jobs().inNamespace(other).resource(new JobBuilder()
        .withNewMetadata().withName("probe").endMetadata().withNewSpec().withNewTemplate().withNewSpec()
        .addNewContainer().withName("c").withImage("busybox:1.36").endContainer().withRestartPolicy("Never")
        .endSpec().endTemplate().endSpec().build()).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> asOperator.secrets().inNamespace(other).resource(new SecretBuilder().withNewMetadata()
        .withName("probe").endMetadata().build()).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  private Condition readyCondition(String providerConfig) {
    ProviderConfig config = client.resources(ProviderConfig.class).withName(providerConfig).get();
    return config == null || config.getStatus() == null ? null : config.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
  }

  /**
   * A copy of the chart's ClusterRole without its {@code events} rule, bound to another ServiceAccount. Observed:
   * the job still runs to Succeeded and its status and conditions are written; no Event is recorded, and the
   * operator logs a warning for each Event it could not write. A missing Event permission never fails a
   * reconcile.
   */
  @Test
  void withoutEventsCreateJobsStillRunAndTheOperatorLogsAWarning() {
    installChartAndRunOperatorAsItsServiceAccount(install -> {}, false);
    operator.close();
    operator = null;
    String limited = "gpucompute-no-events";
    Map<String, String> mark = Map.of("gpucompute.io/e2e-token", "true");
    ClusterRole chartRole = client.rbac().clusterRoles().withName(FULL_NAME).get();
    client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(limited)
        .withLabels(mark).endMetadata()
        .withRules(chartRole.getRules().stream().filter(r -> !r.getResources().contains("events")).toList())
        .build()).create();
    client.serviceAccounts().inNamespace(RELEASE_NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName(limited).withLabels(mark).endMetadata().build()).create();
    client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(limited)
        .withLabels(mark).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", limited)
        .addNewSubject().withKind("ServiceAccount").withName(limited).withNamespace(RELEASE_NAMESPACE).endSubject()
        .build()).create();
    operator = InProcessOperator.startWith(cluster.newClientWithToken(serviceAccountToken(RELEASE_NAMESPACE, limited)), stateDir,
        Optional.empty(), limited + "-0");

    String ns = createNamespace("helm-no-events");
    apply(localProvider("helm-local", 1));
    apply(shellJob(ns, "silent", "helm-local", "echo ok"));
    GpuJob done = awaitPhase(ns, "silent", JobPhase.Succeeded);
    assertThat(done.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Complete");
      assertThat(c.getStatus()).isEqualTo("True");
    });
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .noneMatch(e -> "silent".equals(e.getInvolvedObject().getName()));
    assertThat(OperatorLog.install().text()).contains("could not record Event").contains("forbidden");
    assertThat(operator.healthy()).isTrue();
  }

  /**
   * With Secrets readable only in the namespaces the chart lists ({@code rbac.secrets.scope=namespaces}), a job
   * elsewhere that references a Secret meets a Forbidden. Observed: the operator keeps running (healthy, no
   * crash), the job shows {@code Reconciling=True} with reason {@code ReconcileError} and the Forbidden in its
   * message and a phase, a Warning Event says so once, the operator logs a warning, and other jobs in that
   * namespace still run.
   */
  @Test
  void aForbiddenSurfacesAsAConditionAndALoggedWarningNotACrash() {
    installChartAndRunOperatorAsItsServiceAccount(install -> install.set("rbac.secrets.scope", "namespaces"), false);
    String ns = createNamespace("helm-forbidden");
    apply(localProvider("helm-local", 2));
    applyJobReadingASecret(ns, "needs-secret", "echo $WORD");

    GpuJob forbidden = awaitJob(ns, "needs-secret", "showing the Forbidden", status -> status.getConditions()
        .stream().anyMatch(c -> JobCondition.RECONCILING.equals(c.getType()) && "True".equals(c.getStatus())
            && "ReconcileError".equals(c.getReason()) && c.getMessage().toLowerCase().contains("forbidden")));
    Condition reconciling = forbidden.getStatus().getConditions().stream()
        .filter(c -> JobCondition.RECONCILING.equals(c.getType())).findFirst().orElseThrow();
    assertThat(reconciling.getMessage()).startsWith("retrying:").contains("secrets");
    assertThat(forbidden.getStatus().getPhase()).isNotIn(JobPhase.Succeeded, JobPhase.Failed);
    assertThat(forbidden.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(OperatorLog.install().text()).contains("reconcile failed (ReconcileError)");
    await("a Warning Event for the Forbidden").atMost(WAIT).pollInterval(POLL).until(() -> client.v1().events()
        .inNamespace(ns).list().getItems().stream().anyMatch(e -> "needs-secret".equals(e.getInvolvedObject().getName())
            && "Warning".equals(e.getType()) && "ReconcileError".equals(e.getReason())
            && e.getMessage().toLowerCase().contains("forbidden")));

    apply(shellJob(ns, "plain", "helm-local", "echo ok"));
    awaitPhase(ns, "plain", JobPhase.Succeeded);
    assertThat(operator.healthy()).as("the operator is still healthy: no crash loop").isTrue();
  }
}
