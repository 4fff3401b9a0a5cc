package io.gpucompute.helm;

import static io.gpucompute.helm.HelmChartTest.render;
import static io.gpucompute.helm.HelmChartTest.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's admission webhook, its certificate, the budgets' RBAC, the alerts and the dashboard, by real Helm. */
class HelmChartBudgetsTest {

  private static final String FULL_NAME = "gpucompute-gpu-compute-operator";
  private static final String WEBHOOK = FULL_NAME + "-webhook";

  private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  @Test
  void theWebhookIsOnByDefaultWithACertificateTheChartMadeAndTheStampFailsClosed() throws Exception {
    List<HasMetadata> objects = render(t -> {});
    Secret tls = one(objects, Secret.class, WEBHOOK + "-tls");
    MutatingWebhookConfiguration mutating = one(objects, MutatingWebhookConfiguration.class, FULL_NAME);
    ValidatingWebhookConfiguration validating = one(objects, ValidatingWebhookConfiguration.class, FULL_NAME);

    assertThat(tls.getType()).isEqualTo("kubernetes.io/tls");
    X509Certificate ca = certificate(tls.getData().get("ca.crt"));
    X509Certificate serving = certificate(tls.getData().get("tls.crt"));
    serving.verify(ca.getPublicKey());
    assertThat(serving.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
        .contains(WEBHOOK + ".gpucompute-system.svc");
    assertThat(new String(Base64.getDecoder().decode(tls.getData().get("tls.key")), StandardCharsets.US_ASCII))
        .contains("PRIVATE KEY");

    var stamp = mutating.getWebhooks().get(0);
    assertThat(stamp.getFailurePolicy()).isEqualTo("Fail");
    assertThat(stamp.getSideEffects()).isEqualTo("None");
    assertThat(stamp.getClientConfig().getCaBundle()).isEqualTo(tls.getData().get("ca.crt"));
    assertThat(stamp.getClientConfig().getService().getName()).isEqualTo(WEBHOOK);
    assertThat(stamp.getClientConfig().getService().getPath()).isEqualTo("/mutate");
    assertThat(stamp.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getResources()).containsExactlyInAnyOrder("gpujobs", "gpudags");
      assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
    });
    assertThat(validating.getWebhooks().get(0).getClientConfig().getService().getPath()).isEqualTo("/validate");
    assertThat(validating.getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(tls.getData().get("ca.crt"));

    Service service = one(objects, Service.class, WEBHOOK);
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(443);
      assertThat(port.getTargetPort().getStrVal()).isEqualTo("webhook");
    });
    var container = one(objects, Deployment.class, FULL_NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getEnv()).extracting(EnvVar::getName)
        .contains("GPUCOMPUTE_WEBHOOK_PORT", "GPUCOMPUTE_WEBHOOK_CERT_DIR", "GPUCOMPUTE_OPERATOR_USERNAME");
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("GPUCOMPUTE_OPERATOR_USERNAME"))
        .extracting(EnvVar::getValue).containsExactly("system:serviceaccount:gpucompute-system:" + FULL_NAME);
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("webhook");
      assertThat(p.getContainerPort()).isEqualTo(9443);
    });
    assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath())
        .isEqualTo("/etc/gpucompute/webhook"));
  }

  @Test
  void certManagerIssuesTheCertificateAndInjectsTheCaWhenAskedFor() {
    String yaml = template(t -> t.set("webhook.certManager.enabled", true));

    assertThat(yaml).contains("kind: Certificate", "kind: Issuer", "selfSigned: {}", "secretName: " + WEBHOOK + "-tls",
        "cert-manager.io/inject-ca-from: gpucompute-system/" + WEBHOOK).doesNotContain("caBundle:", "kind: Secret");
    String issuer = template(t -> t.set("webhook.certManager.enabled", true)
        .set("webhook.certManager.issuerRef.name", "corp-ca").set("webhook.certManager.issuerRef.kind", "ClusterIssuer"));
    assertThat(issuer).contains("name: corp-ca", "kind: ClusterIssuer").doesNotContain("kind: Issuer\n");
  }

  @Test
  void withoutTheWebhookNothingOfItIsRendered() {
    List<HasMetadata> objects = render(t -> t.set("webhook.enabled", false));

    assertThat(objects).noneMatch(o -> o.getKind().endsWith("WebhookConfiguration") || o.getKind().equals("Secret"));
    assertThat(one(objects, Deployment.class, FULL_NAME).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv()).extracting(EnvVar::getName).doesNotContain("GPUCOMPUTE_WEBHOOK_PORT");
  }

  @Test
  void theOperatorWritesBudgetsAndTheTeamOnlyReadsThem() {
    List<HasMetadata> objects = render(t -> {});
    ClusterRole operator = one(objects, ClusterRole.class, FULL_NAME);
    assertThat(rule(operator, "gpubudgets").getVerbs()).contains("list", "watch", "patch", "update");
    assertThat(rule(operator, "gpubudgets/status").getVerbs()).contains("update");
    assertThat(rule(operator, "gpubudgets/finalizers").getVerbs()).contains("update");
    ClusterRole user = one(objects, ClusterRole.class, "gpucompute-user");
    assertThat(rule(user, "gpubudgets").getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    ClusterRole viewer = one(objects, ClusterRole.class, "gpucompute-viewer");
    assertThat(rule(viewer, "gpubudgets").getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
  }

  @Test
  void theAlertsAndTheDashboardAreOptIn() throws Exception {
    assertThat(template(t -> {})).doesNotContain("kind: PrometheusRule", "grafana_dashboard");
    assertThat(template(t -> t.set("metrics.prometheusRule.enabled", true))).contains("kind: PrometheusRule",
        "alert: GpuBudgetNearLimit", "alert: GpuBudgetExceeded", "alert: GpuJobsStalled",
        "alert: GpuProviderConfigNotReady", "alert: GpuOrphansFound");

    ConfigMap dashboard = one(render(t -> t.set("metrics.grafanaDashboard.enabled", true)), ConfigMap.class,
        FULL_NAME + "-dashboard");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("gpucompute.json"));
    assertThat(json.path("uid").asText()).isEqualTo("gpucompute-overview");
    assertThat(json.path("panels")).extracting(p -> p.path("title").asText()).contains("Spend by team (used of "
        + "limit, this period)", "Spend by person (this period)", "Jobs by phase", "Queue wait (mean, 5m)",
        "Provider readiness");
  }

  private static PolicyRule rule(ClusterRole role, String resource) {
    return role.getRules().stream().filter(r -> r.getResources().contains(resource)).findFirst()
        .orElseThrow(() -> new AssertionError("no rule for " + resource + " in " + role.getMetadata().getName()));
  }

  private static X509Certificate certificate(String base64Pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
  }
}
