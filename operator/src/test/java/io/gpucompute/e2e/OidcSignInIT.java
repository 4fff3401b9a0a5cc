package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.keycloak.ApiServerOidcFlags;
import io.gpucompute.keycloak.KeycloakSetupMain;
import io.gpucompute.keycloak.SetupArguments;
import io.gpucompute.operator.TestResources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * People sign in through a real Keycloak and act under the Helm chart's RBAC on a real kube-apiserver started with
 * the {@code --oidc-*} flags. The realm is set up by the product command ({@code gpucompute-keycloak-setup}) from the
 * same values file the chart is installed with, which binds team-a, team-b and gpu-admins (with the {@code oidc:}
 * prefix). Tokens are ID tokens from Keycloak's token
 * endpoint; alice is in team-a, bob in team-b, carol in gpu-admins.
 */
@E2eTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInIT {

  private static final String REALM = "gpucompute";
  private static final String CLIENT_ID = "kubernetes";
  private static final String OPERATOR_NAMESPACE = "gpucompute-system";
  private static final Path CHART = Path.of("..", "helm", "gpu-compute-operator");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);

  private final String userPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(10));
  private Path workDir;
  private KeycloakServer keycloak;
  private ControlPlane cluster;
  private KubernetesClient admin;
  private List<String> setupArguments;

  @BeforeAll
  void startKeycloakAndAnOidcControlPlane() throws Exception {
    if (ControlPlaneExtension.skipped()) {
      return; // each test reports the skip
    }
    Path repoRoot = ControlPlaneExtension.repoRoot();
    workDir = repoRoot.resolve("operator/target/oidc-e2e");
    keycloak = KeycloakServer.start(Path.of(System.getProperty("gpucompute.keycloak.home",
        "target/keycloak/keycloak")), workDir);

    Path values = workDir.resolve("teams-values.yaml");
    Files.writeString(values, """
        groupPrefix: "oidc:"
        teams:
          - name: team-a
            namespace: team-a
            oidcGroups: [team-a]
          - name: team-b
            namespace: team-b
            oidcGroups: [team-b]
        adminGroups: [gpu-admins]
        """);
    Path adminPasswordFile = secretFile("keycloak-admin-password", keycloak.adminPassword());
    Path userPasswordFile = secretFile("user-password", userPassword);
    setupArguments = List.of("--server", keycloak.url(), "--ca-file", keycloak.caFile().toString(),
        "--admin-password-file", adminPasswordFile.toString(), "--realm", REALM, "--client-id", CLIENT_ID,
        "--chart-values", values.toString(),
        "--user", "alice=team-a", "--user", "bob=team-b", "--user", "carol=gpu-admins",
        "--user-password-file", userPasswordFile.toString(), "--permanent-passwords", "--password-grant");
    String firstRun = runSetup(setupArguments);
    assertThat(firstRun).contains("created realm gpucompute", "created client kubernetes",
        "created protocol mapper groups", "created group team-a", "created group team-b", "created group gpu-admins",
        "created user profile attribute organization", "created protocol mapper organization (claim organization)",
        "created user alice (password)", "added user carol to group gpu-admins", "--oidc-issuer-url=" + keycloak.url() + "/realms/gpucompute");
    assertThat(firstRun).doesNotContain(userPassword, keycloak.adminPassword());
    assertThat(reportLines(runSetup(setupArguments))).as("a second run changes nothing").isNotEmpty()
        .allMatch(line -> line.startsWith("unchanged "));

    SetupArguments parsed = SetupArguments.parse(setupArguments);
    ApiServerOidcFlags flags = ApiServerOidcFlags.of(parsed.setup(), keycloak.url(), keycloak.caFile().toString(),
        parsed.groupsPrefix());
    cluster = ControlPlane.start(repoRoot, repoRoot.resolve("operator/target/control-plane-oidc"),
        Duration.ofMinutes(30), Map.of("CONTROL_PLANE_APISERVER_EXTRA_ARGS", String.join(" ", flags.asArguments())));
    admin = cluster.client();

    // No kubelet runs the chart's pods here, so nothing would answer its admission webhook (BudgetsIT tests it).
    Release release = new Helm(CHART).install().withName("gpucompute").withNamespace(OPERATOR_NAMESPACE)
        .createNamespace().withKubeConfig(cluster.kubeconfig()).withValuesFile(values).set("webhook.enabled", false)
        .call();
    assertThat(release.getStatus()).isEqualTo("deployed");
    admin.secrets().inNamespace(OPERATOR_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withName("runpod-credentials").endMetadata().withStringData(Map.of("apiKey", "not-a-real-key")).build())
        .create();

    // kube-apiserver fetches the issuer's discovery document in the background (first try about 10 s after start).
    await("kube-apiserver accepts Keycloak's ID tokens").atMost(WAIT).pollInterval(POLL).ignoreExceptions()
        .until(() -> {
          try (KubernetesClient alice = as("alice")) {
            return alice.resources(GpuJob.class).inNamespace("team-a").list().getItems() != null;
          }
        });
  }

  @AfterAll
  void stop() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (keycloak != null) {
        keycloak.close();
      }
    }
  }

  @Test
  void aliceCreatesAndReadsGpuJobsInTeamAAndIsForbiddenInTeamB() {
    try (KubernetesClient alice = as("alice")) {
      alice.resources(GpuJob.class).resource(job("team-a", "alice-train")).create();

      GpuJob read = alice.resources(GpuJob.class).inNamespace("team-a").withName("alice-train").get();
      assertThat(read.getSpec().getCommand()).containsExactly("sh", "-c", "echo train");

      assertForbidden(() -> alice.resources(GpuJob.class).resource(job("team-b", "alice-sneaks-in")).create(),
          "oidc:alice");
      assertForbidden(() -> alice.resources(GpuJob.class).inNamespace("team-b").list(), "oidc:alice");
    }
  }

  @Test
  void aliceSetsHerOrganizationInHerOwnAccountAndHerIdTokenCarriesIt() {
    keycloak.updateOwnAccount(REALM, keycloak.accessToken(REALM, CLIENT_ID, "alice", userPassword),
        account -> account.putObject("attributes").putArray("organization").add("ACME Research"));

    assertThat(claim(keycloak.idToken(REALM, CLIENT_ID, "alice", userPassword), "organization"))
        .isEqualTo("ACME Research");
  }

  @Test
  void aliceIsForbiddenFromProviderConfigsAndFromTheOperatorsSecrets() {
    try (KubernetesClient alice = as("alice")) {
      assertForbidden(() -> alice.resources(ProviderConfig.class).list(), "oidc:alice");
      assertForbidden(() -> alice.resources(ProviderConfig.class)
          .resource(TestResources.localProvider("alice-own-cloud", 8, spec -> {})).create(), "oidc:alice");
      assertForbidden(() -> alice.secrets().inNamespace(OPERATOR_NAMESPACE).withName("runpod-credentials").get(),
          "oidc:alice");
      assertForbidden(() -> alice.secrets().inNamespace(OPERATOR_NAMESPACE).list(), "oidc:alice");
    }
  }

  @Test
  void bobCannotReadAlicesJobsButWorksInTeamB() {
    admin.resources(GpuJob.class).resource(job("team-a", "alice-private")).create();
    try (KubernetesClient bob = as("bob")) {
      assertForbidden(() -> bob.resources(GpuJob.class).inNamespace("team-a").withName("alice-private").get(),
          "oidc:bob");
      assertForbidden(() -> bob.resources(GpuJob.class).inNamespace("team-a").list(), "oidc:bob");

      bob.resources(GpuJob.class).resource(job("team-b", "bob-train")).create();
      assertThat(bob.resources(GpuJob.class).inNamespace("team-b").list().getItems())
          .extracting(j -> j.getMetadata().getName()).contains("bob-train");
    }
  }

  @Test
  void carolManagesProviderConfigs() {
    try (KubernetesClient carol = as("carol")) {
      carol.resources(ProviderConfig.class).resource(TestResources.localProvider("carol-local", 2, spec -> {}))
          .create();
      ProviderConfig edited = carol.resources(ProviderConfig.class).withName("carol-local")
          .edit(config -> {
            config.getSpec().setMaxConcurrentJobs(3);
            return config;
          });
      assertThat(edited.getSpec().getMaxConcurrentJobs()).isEqualTo(3);
      assertThat(carol.resources(ProviderConfig.class).list().getItems())
          .extracting(c -> c.getMetadata().getName()).contains("carol-local");

      carol.resources(ProviderConfig.class).withName("carol-local").delete();
      await("carol's ProviderConfig is gone").atMost(WAIT).pollInterval(POLL)
          .until(() -> admin.resources(ProviderConfig.class).withName("carol-local").get() == null);
    }
  }

  @Test
  void aTamperedTokenIsRefused() {
    String token = keycloak.idToken(REALM, CLIENT_ID, "alice", userPassword);
    String[] parts = token.split("\\.");
    Base64.Decoder decoder = Base64.getUrlDecoder();
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String claims = new String(decoder.decode(parts[1]), StandardCharsets.UTF_8);
    assertThat(claims).contains("\"team-a\"");
    String promoted = encoder.encodeToString(claims.replace("\"team-a\"", "\"gpu-admins\"")
        .getBytes(StandardCharsets.UTF_8));
    String tamperedClaims = parts[0] + "." + promoted + "." + parts[2];
    byte[] signature = decoder.decode(parts[2]);
    signature[signature.length / 2] ^= 0x01;
    String tamperedSignature = parts[0] + "." + parts[1] + "." + encoder.encodeToString(signature);

    assertRefused(tamperedClaims);
    assertRefused(tamperedSignature);
    try (KubernetesClient untouched = cluster.newClientWithToken(token)) {
      assertThat(untouched.resources(GpuJob.class).inNamespace("team-a").list().getItems()).isNotNull();
    }
  }

  /**
   * The product command shortens the client's token lifespan (and restores it): a token works, then, once its
   * {@code exp} has passed, the API server refuses it.
   */
  @Test
  void anExpiredTokenIsRefused() {
    List<String> shortLived = new ArrayList<>(setupArguments);
    shortLived.addAll(List.of("--token-lifespan-seconds", "6"));
    assertThat(runSetup(shortLived)).contains("updated client kubernetes");
    String token;
    try {
      token = keycloak.idToken(REALM, CLIENT_ID, "alice", userPassword);
    } finally {
      assertThat(runSetup(setupArguments)).contains("updated client kubernetes");
    }
    Instant expiry = Instant.ofEpochSecond(Long.parseLong(claim(token, "exp")));
    assertThat(expiry).isBefore(Instant.now().plusSeconds(7));

    try (KubernetesClient alice = cluster.newClientWithToken(token)) {
      if (Instant.now().isBefore(expiry.minusSeconds(2))) {
        assertThat(statusOf(() -> alice.resources(GpuJob.class).inNamespace("team-a").list()))
            .as("the short-lived token works before it expires").isEqualTo(200);
      }
      await("the API server refuses alice's token after it expired at " + expiry).atMost(Duration.ofSeconds(60))
          .pollInterval(POLL).until(() -> statusOf(() -> alice.resources(GpuJob.class).inNamespace("team-a").list())
              == 401);
      assertThat(Instant.now()).as("refused only after exp").isAfter(expiry);
    }
    try (KubernetesClient fresh = as("alice")) {
      assertThat(fresh.resources(GpuJob.class).inNamespace("team-a").list().getItems()).isNotNull();
    }
  }

  /** A client that signs in as {@code user} with a fresh ID token. */
  private KubernetesClient as(String user) {
    return cluster.newClientWithToken(keycloak.idToken(REALM, CLIENT_ID, user, userPassword));
  }

  private void assertRefused(String token) {
    try (KubernetesClient client = cluster.newClientWithToken(token)) {
      assertThat(statusOf(() -> client.resources(GpuJob.class).inNamespace("team-a").list())).isEqualTo(401);
    }
  }

  /** The HTTP status of a call that fails with a KubernetesClientException, or 200 when it succeeds. */
  private static int statusOf(ThrowingCallable call) {
    try {
      call.call();
      return 200;
    } catch (KubernetesClientException e) {
      return e.getCode();
    } catch (Throwable other) {
      throw new AssertionError("unexpected failure", other);
    }
  }

  private static void assertForbidden(ThrowingCallable call, String user) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).isEqualTo(403)).hasMessageContaining("User \"" + user + "\"");
  }

  private static GpuJob job(String namespace, String name) {
    return TestResources.shellJob(namespace, name, "local", "echo train", spec -> {});
  }

  private static String claim(String token, String name) {
    String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    JsonNode value = KeycloakServer.json(claims).path(name);
    if (value.isMissingNode()) {
      throw new AssertionError("no claim " + name + " in " + claims);
    }
    return value.asText();
  }

  private String runSetup(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = KeycloakSetupMain.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String output = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as("gpucompute-keycloak-setup exit code; stderr: %s", err.toString(StandardCharsets.UTF_8))
        .isZero();
    return output;
  }

  /** The set-up's report lines (before the printed flags). */
  private static List<String> reportLines(String output) {
    return output.lines().takeWhile(line -> !line.isBlank()).map(String::strip).toList();
  }

  private Path secretFile(String name, String value) throws Exception {
    Files.createDirectories(workDir);
    Path file = workDir.resolve(name);
    Files.writeString(file, value + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
