package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.job.JobCondition;
import io.gpucompute.provider.local.LocalProviderFactory;
import io.gpucompute.provider.local.LocalSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Local provider's fences on the real API server: it is off unless the operator enables it, a Local
 * ProviderConfig must name its namespaces and refuses others, and (with the operator as root) a job run as its own
 * user gets an environment built from scratch, cannot read the operator's ServiceAccount token or call the API
 * server with it, and cannot read, signal or forge another job.
 */
class LocalFenceIT extends OperatorE2eTestBase {

  /** Users no other test or process of the host uses. */
  private static final LocalSettings.RunAs USERS = new LocalSettings.RunAs(61100, 61109, 61100);

  @Test
  void anOperatorWithoutLocalRefusesALocalProviderConfigSayingHowToEnableIt() {
    restartOperatorWith(new LocalSettings(false, stateDir, InProcessOperator.NO_NVIDIA_SMI, null, Optional.empty()));
    apply(localProvider("e2e-local-off", 1));

    Condition ready = awaitReady("e2e-local-off", c -> "False".equals(c.getStatus()));

    assertThat(ready.getReason()).isEqualTo(LocalProviderFactory.DISABLED);
    assertThat(ready.getMessage()).contains("GPUCOMPUTE_LOCAL_PROVIDER_ENABLED=true");
  }

  @Test
  void aLocalProviderConfigThatNamesNoNamespaceIsRefusedAndItsJobsStallWithoutRunning() throws IOException {
    String ns = createNamespace("local-any");
    apply(localProvider("e2e-local-any", 1).replace("""
          allowedNamespaces:
            matchLabels:
              gpucompute.io/e2e: "true"
        """, ""));
    Path marker = workDir.resolve("ran");

    Condition ready = awaitReady("e2e-local-any", c -> "False".equals(c.getStatus()));
    apply(shellJob(ns, "anywhere", "e2e-local-any", "touch " + marker));

    assertThat(ready.getReason()).isEqualTo(LocalProviderFactory.ALLOWED_NAMESPACES_REQUIRED);
    GpuJob stalled = awaitJob(ns, "anywhere", "stalled", status -> status.getConditions().stream()
        .anyMatch(c -> JobCondition.STALLED.equals(c.getType()) && "True".equals(c.getStatus())));
    assertThat(stalled.getStatus().getConditions()).anySatisfy(c ->
        assertThat(c.getReason()).isEqualTo(LocalProviderFactory.ALLOWED_NAMESPACES_REQUIRED));
    assertThat(marker).doesNotExist();
  }

  @Test
  void aJobFromANamespaceTheLocalProviderConfigDoesNotNameIsRefused() {
    String outside = createNamespace("local-outside", Map.of());
    apply(localProvider("e2e-local-fenced", 1));
    kubectlWait("default", "providerconfig/e2e-local-fenced", "Ready", WAIT);

    apply(shellJob(outside, "intruder", "e2e-local-fenced", "echo should-not-run"));

    GpuJob refused = awaitJob(outside, "intruder", "refused", status -> status.getConditions().stream()
        .anyMatch(c -> JobCondition.STALLED.equals(c.getType()) && "NamespaceNotAllowed".equals(c.getReason())));
    assertThat(refused.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(refused.getStatus().getExternalId()).isNull();
  }

  @Test
  void aJobAsItsOwnUserCannotReadTheOperatorsTokenNorCallTheApiServerWithIt() throws Exception {
    assumeRoot();
    String ns = createNamespace("local-token");
    String token = operatorLikeToken(ns);
    Path tokenDir = Files.createTempDirectory("gpucompute-e2e-sa");
    try {
      Files.setPosixFilePermissions(tokenDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path tokenFile = Files.writeString(tokenDir.resolve("token"), token);
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
      String secretsUrl = client.getMasterUrl() + "api/v1/namespaces/" + ns + "/secrets";
      assertThat(httpStatus(secretsUrl, token)).as("the token works for whoever can read it").isEqualTo(200);
      restartOperatorWith(LocalSettings.enabled(stateDir, InProcessOperator.NO_NVIDIA_SMI, Duration.ofSeconds(2))
          .runningAs(USERS));
      apply(localProvider("e2e-local-users", 2));

      apply(shellJob(ns, "thief", "e2e-local-users", String.join("; ",
          "id -u",
          "env | cut -d= -f1 | sort | tr '\\n' ' '; echo",
          "cat \"$TOKEN_FILE\" >/dev/null 2>&1 && echo token-read || echo token-unreadable",
          "echo api=$(curl -sk -o /dev/null -w '%{http_code}' -H \"Authorization: Bearer $(cat \"$TOKEN_FILE\" "
              + "2>/dev/null)\" \"$SECRETS_URL\")",
          "cat /proc/$OPERATOR_PID/environ >/dev/null 2>&1 && echo operator-environ-read "
              + "|| echo operator-environ-unreadable"))
          .replace("""
                gpu:
              """, """
                env:
                  - {name: TOKEN_FILE, value: %s}
                  - {name: SECRETS_URL, value: %s}
                  - {name: OPERATOR_PID, value: "%d"}
                gpu:
              """.formatted(tokenFile, secretsUrl, ProcessHandle.current().pid())));

      GpuJob done = awaitPhase(ns, "thief", JobPhase.Succeeded);
      List<String> lines = done.getStatus().getLogTail().lines().toList();
      assertThat(Integer.parseInt(lines.get(0))).as("the job's uid").isBetween(USERS.firstUid(), USERS.lastUid());
      assertThat(Set.of(lines.get(1).split(" "))).as("its environment, built from scratch")
          .isSubsetOf(Set.of("PATH", "HOME", "PWD", "OLDPWD", "SHLVL", "_", "TOKEN_FILE", "SECRETS_URL",
              "OPERATOR_PID", "CUDA_VISIBLE_DEVICES", "GPUCOMPUTE_JOB_NAMESPACE", "GPUCOMPUTE_JOB_NAME",
              "GPUCOMPUTE_JOB_ATTEMPT"));
      assertThat(lines).contains("token-unreadable", "operator-environ-unreadable");
      assertThat(lines).as("the API server refuses the call without the token (anonymous or unauthenticated)")
          .anySatisfy(line -> assertThat(line).matches("api=40[13]"));
    } finally {
      try (var files = Files.list(tokenDir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(tokenDir);
    }
  }

  @Test
  void aJobAsItsOwnUserCannotReadSignalOrForgeAnotherJob() throws Exception {
    assumeRoot();
    String ns = createNamespace("local-tenants");
    String secret = "job-a-secret-" + UUID.randomUUID();
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("a-credentials")
        .endMetadata().withStringData(Map.of("token", secret)).build()).create();
    restartOperatorWith(LocalSettings.enabled(stateDir, InProcessOperator.NO_NVIDIA_SMI, Duration.ofSeconds(2))
        .runningAs(USERS));
    apply(localProvider("e2e-local-tenants", 2));
    apply(shellJob(ns, "victim", "e2e-local-tenants", "sleep 120").replace("""
          gpu:
        """, """
          env:
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: a-credentials, key: token}}
          gpu:
        """));
    GpuJob running = awaitPhase(ns, "victim", JobPhase.Running);
    long wrapper = Long.parseLong(running.getStatus().getExternalId().substring("pid:".length()));
    long victim = await("the victim's process as its own user").atMost(WAIT).pollInterval(POLL)
        .until(() -> ProcessHandle.of(wrapper).stream().flatMap(ProcessHandle::descendants)
            .filter(p -> uidOf(p.pid()) >= USERS.firstUid()).map(ProcessHandle::pid).findFirst(), Optional::isPresent)
        .orElseThrow();
    assertThat(Files.readString(Path.of("/proc", Long.toString(victim), "environ"))).as("root can read it")
        .contains(secret);
    Path victimExitCode = Files.list(stateDir.resolve("workloads")).findFirst().orElseThrow().resolve("exit-code");

    apply(shellJob(ns, "intruder", "e2e-local-tenants", String.join("; ",
        "id -u",
        "cat /proc/" + victim + "/environ >/dev/null 2>&1 && echo environ-read || echo environ-unreadable",
        "kill -0 " + victim + " 2>/dev/null && echo can-signal || echo cannot-signal",
        "echo 0 > " + victimExitCode + " 2>/dev/null && echo exit-code-forged || echo exit-code-untouched")));

    GpuJob intruder = awaitPhase(ns, "intruder", JobPhase.Succeeded);
    List<String> lines = intruder.getStatus().getLogTail().lines().toList();
    assertThat(Integer.parseInt(lines.get(0))).as("a user of its own").isNotEqualTo(uidOf(victim))
        .isBetween(USERS.firstUid(), USERS.lastUid());
    assertThat(lines).contains("environ-unreadable", "cannot-signal", "exit-code-untouched");
    assertThat(victimExitCode).doesNotExist();
    assertThat(job(ns, "victim").getStatus().getPhase()).isEqualTo(JobPhase.Running);
  }

  private void restartOperatorWith(LocalSettings local) {
    operator.close();
    operator = null;
    operator = InProcessOperator.start(cluster, local);
  }

  private Condition awaitReady(String providerConfig, Predicate<Condition> condition) {
    return await("ProviderConfig " + providerConfig + " checked").atMost(WAIT).pollInterval(POLL).until(() -> {
      ProviderConfig config = client.resources(ProviderConfig.class).withName(providerConfig).get();
      return config == null || config.getStatus() == null ? null : config.getStatus().getConditions().stream()
          .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }, c -> c != null && condition.test(c));
  }

  /** A token of a ServiceAccount that, like the operator's, may read the Secrets of {@code namespace}. */
  private String operatorLikeToken(String namespace) {
    client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName("operator-like").endMetadata().build()).create();
    client.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata()
        .withName("secret-reader").endMetadata().addNewRule().withApiGroups("").withResources("secrets")
        .withVerbs("get", "list").endRule().build()).create();
    client.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
        .withName("secret-reader").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "secret-reader")
        .addNewSubject().withKind("ServiceAccount").withName("operator-like").withNamespace(namespace).endSubject()
        .build()).create();
    return serviceAccountToken(namespace, "operator-like");
  }

  /** The HTTP status of a GET of {@code url} with {@code token}, trusting any certificate (loopback only). */
  private static int httpStatus(String url, String token) throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, new SecureRandom());
    HttpClient http = HttpClient.newBuilder().sslContext(trustAll).build();
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int uidOf(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1; // gone
    }
    return -1;
  }

  private static void assumeRoot() {
    Assumptions.assumeTrue(uidOf(ProcessHandle.current().pid()) == 0,
        "running Local workloads as other users needs the operator (this test JVM) to run as root");
  }
}
