package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.job.JobCondition;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The suite-wide secret canary ({@link SecretCanary}). Runs last (failsafe orders the e2e classes by
 * {@link Order}): it gives the canary to the Local and Kubernetes providers as a credential and as a
 * {@code secretKeyRef} env value, checks the cluster's Events, every object's status and the metrics, then asserts
 * that nothing in the whole run (RunPod and TencentTKE included, which use the canary in their own e2e classes)
 * showed it in an Event, a status, a metric or a log line.
 */
@Order(Integer.MAX_VALUE)
class SecretCanaryIT extends OperatorE2eTestBase {

  @Test
  void theCanaryNeverLeavesTheOperatorInTheWholeRun() {
    String ns = createNamespace("canary");
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("canary").endMetadata()
        .withStringData(Map.of("token", SecretCanary.VALUE)).build()).create();
    String credentials = """
          credentialsSecretRef: {namespace: %s, name: canary}
        """.formatted(ns);
    apply(localProvider("canary-local", 2).replace("  type: Local\n", "  type: Local\n" + credentials));
    apply(kubernetesProvider("canary-kube", ns).replace("  type: Kubernetes\n", "  type: Kubernetes\n"
        + credentials));
    kubectlWait("default", "providerconfig/canary-local", "Ready", WAIT);
    kubectlWait("default", "providerconfig/canary-kube", "Ready", WAIT);

    apply(withCanaryEnv(shellJob(ns, "local-ok", "canary-local", "[ -n \"$TOKEN\" ] && echo has-token")));
    apply(withCanaryEnv(shellJob(ns, "local-fails", "canary-local", "echo failing; exit 3")));
    apply(withCanaryEnv(shellJob(ns, "on-kube", "canary-kube", "[ -n \"$TOKEN\" ]")));
    GpuJob ok = awaitPhase(ns, "local-ok", JobPhase.Succeeded);
    awaitPhase(ns, "local-fails", JobPhase.Failed);
    awaitJob(ns, "on-kube", "submitted as a Job", status -> status.getConditions().stream()
        .anyMatch(c -> JobCondition.SUBMITTED.equals(c.getType()) && "True".equals(c.getStatus())));
    SecretCanary.usedBy("Local");
    SecretCanary.usedBy("Kubernetes");

    assertThat(ok.getStatus().getLogTail()).as("the job had the canary").contains("has-token");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).as("the Kubernetes provider's env Secret")
        .anyMatch(s -> s.getMetadata().getName().startsWith("gpujob-"));
    assertThat(SecretCanary.leaksIn(client, operator.metrics())).as("Events, statuses and metrics now").isEmpty();
    assertThat(SecretCanary.leaks()).as("Events, statuses and metrics in the whole run").isEmpty();
    assertThat(SecretCanary.logLeaks()).as("log lines in the whole run").isEmpty();
    System.out.println("e2e: the secret canary went to " + SecretCanary.providersUsed() + " and never leaked");
  }

  private static String withCanaryEnv(String job) {
    return job.replace("""
          gpu:
        """, """
          env:
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: canary, key: token}}
          gpu:
        """);
  }
}
