package io.gpucompute.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.BudgetCharge;
import io.gpucompute.api.v1alpha1.BudgetEnforcement;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuBudgetSpec;
import io.gpucompute.api.v1alpha1.GpuBudgetStatus;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.GpuLimit;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.UserSpend;
import io.gpucompute.cost.Money;
import io.gpucompute.job.JobCondition;
import io.gpucompute.operator.TestResources;
import io.gpucompute.status.Conditions;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets, GPU quotas and the submitted-by webhook on the real API server, with the operator as production runs it:
 * its own process (the shaded jar), serving its admission webhook over HTTPS on loopback with a CA made for the run,
 * registered with a {@code url} client config for this class's namespace only, and failing closed. People act through
 * kubectl as {@code oidc:alice} (impersonation). Admission rechecks are set to 5 minutes here, so a job that starts
 * within seconds of a budget change was woken by it, not by a timer. Each budget covers the jobs of one test by label.
 */
@E2eTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BudgetsIT {

  private static final Duration WAIT = FaultFixture.WAIT;
  private static final Duration POLL = Duration.ofMillis(200);
  /** Much longer than any wait of these tests: a start within them is a wake-up. */
  private static final String RECHECK_SECONDS = "300";
  private static final String ALICE = "oidc:alice";
  private static final String STAMP = "gpucompute.io/submitted-by";
  /** The Local GPUs' price: 1.10 USD per A100-hour. */
  private static final String PRICE = "1.10";
  /** How soon the operator's servers cut off a client that never finishes its request (5 s), with room to spare. */
  private static final Duration STALL_CUT_OFF = Duration.ofSeconds(20);

  @TempDir
  static Path dir;

  private ControlPlane plane;
  private FaultFixture fixture;
  private KubernetesClient client;
  private Kubectl kubectl;
  private String namespace;
  private String provider;
  private String webhookName;
  private int webhookPort;

  @BeforeAll
  void startTheOperatorWithItsWebhook(ControlPlane plane) throws Exception {
    if (ControlPlaneExtension.skipped()) {
      return;
    }
    this.plane = plane;
    this.kubectl = plane.kubectl();
    Path certs = Files.createDirectories(dir.resolve("webhook-certs"));
    Path ca = CertificateFiles.selfSignedFor127(dir, "operator-webhook");
    Files.copy(dir.resolve("operator-webhook.crt"), certs.resolve("tls.crt"));
    Files.copy(dir.resolve("operator-webhook.key"), certs.resolve("tls.key"));
    int port = OperatorProcess.freeLoopbackPort();
    webhookPort = port;
    fixture = FaultFixture.start(plane, "budgets", Files.createDirectories(dir.resolve("local-state")), Map.of(
        "GPUCOMPUTE_WEBHOOK_PORT", Integer.toString(port),
        "GPUCOMPUTE_WEBHOOK_BIND_ADDRESS", "127.0.0.1",
        "GPUCOMPUTE_WEBHOOK_CERT_DIR", certs.toString(),
        // The operator's process signs in as the control plane's admin (the kubeconfig's user).
        "GPUCOMPUTE_OPERATOR_USERNAME", "admin",
        "GPUCOMPUTE_QUEUE_RECHECK_SECONDS", RECHECK_SECONDS));
    client = fixture.client();
    namespace = fixture.namespace();
    webhookName = "gpucompute-e2e-" + namespace;
    registerTheOperatorsWebhooks(port, Files.readAllBytes(ca));
    letAliceWorkInTheNamespace();
    provider = "budgets-local-" + UUID.randomUUID().toString().substring(0, 6);
    client.resource(TestResources.localProvider(provider, 8,
        spec -> spec.setPrices(List.of(new GpuPrice("A100", PRICE))))).create();
  }

  /** The chart's two webhooks, with a url client config for the operator on loopback, for this namespace only. */
  private void registerTheOperatorsWebhooks(int port, byte[] caPem) {
    String caBundle = Base64.getEncoder().encodeToString(caPem);
    RuleWithOperations stamped = LoopbackWebhook.rule(List.of("gpujobs", "gpudags"), "CREATE", "UPDATE");
    client.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(webhookName).endMetadata()
        .addNewWebhook().withName("submitted-by.gpucompute.io")
          .withAdmissionReviewVersions("v1").withSideEffects("None").withFailurePolicy("Fail").withTimeoutSeconds(5)
          .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/mutate").withCaBundle(caBundle)
          .endClientConfig()
          .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace).endNamespaceSelector()
          .withRules(stamped)
        .endWebhook().build()).create();
    client.resource(new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(webhookName).endMetadata()
        .addNewWebhook().withName("validate.gpucompute.io")
          .withAdmissionReviewVersions("v1").withSideEffects("None").withFailurePolicy("Fail").withTimeoutSeconds(5)
          .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/validate").withCaBundle(caBundle)
          .endClientConfig()
          .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace).endNamespaceSelector()
          .withRules(stamped)
        .endWebhook().build()).create();
  }

  /** What the chart's gpucompute-user role gives a team member, bound to oidc:alice in this namespace. */
  private void letAliceWorkInTheNamespace() {
    client.resource(new RoleBuilder().withNewMetadata().withName("alice").withNamespace(namespace).endMetadata()
        .addNewRule().withApiGroups("gpucompute.io").withResources("gpujobs", "gpudags")
          .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endRule()
        .addNewRule().withApiGroups("gpucompute.io").withResources("gpubudgets").withVerbs("get", "list", "watch")
          .endRule()
        .build()).create();
    client.resource(new RoleBindingBuilder().withNewMetadata().withName("alice").withNamespace(namespace).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("alice").endRoleRef()
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(ALICE).endSubject()
        .build()).create();
  }

  @AfterAll
  void deleteEverything() {
    if (fixture == null) {
      return;
    }
    try {
      if (!fixture.operator().alive()) {
        fixture.startOperator();
      }
      client.resources(GpuDag.class).inNamespace(namespace).delete();
      client.resources(GpuJob.class).inNamespace(namespace).delete();
      client.resources(GpuBudget.class).inNamespace(namespace).delete();
      await("every GpuDag, GpuJob and GpuBudget of " + namespace + " deleted").atMost(WAIT).pollInterval(POLL)
          .until(() -> client.resources(GpuJob.class).inNamespace(namespace).list().getItems().isEmpty()
              && client.resources(GpuDag.class).inNamespace(namespace).list().getItems().isEmpty()
              && client.resources(GpuBudget.class).inNamespace(namespace).list().getItems().isEmpty());
    } finally {
      client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(webhookName).delete();
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName(webhookName).delete();
      fixture.close(provider);
    }
  }

  private Kubectl.Result asAlice(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--as=" + ALICE, "-n", namespace));
    all.addAll(List.of(args));
    return stdin == null ? kubectl.run(all.toArray(String[]::new))
        : kubectl.runWithInput(stdin, all.toArray(String[]::new));
  }

  private GpuJob createJob(String name, Map<String, String> labels, Long deadline, String script) {
    GpuJob job = TestResources.shellJob(namespace, name, provider, script, spec -> spec.setActiveDeadlineSeconds(deadline));
    job.getMetadata().setLabels(labels);
    return client.resource(job).create();
  }

  private GpuBudget createBudget(String name, String limit, Map<String, String> labels,
      java.util.function.Consumer<GpuBudgetSpec> customize) {
    GpuBudget budget = new GpuBudget();
    budget.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    GpuBudgetSpec spec = new GpuBudgetSpec();
    spec.setLimit(limit);
    spec.setJobLabels(labels);
    customize.accept(spec);
    budget.setSpec(spec);
    return client.resource(budget).create();
  }

  private GpuBudget budget(String name) {
    return client.resources(GpuBudget.class).inNamespace(namespace).withName(name).get();
  }

  private GpuBudgetStatus awaitBudget(String name, String what, java.util.function.Predicate<GpuBudgetStatus> test) {
    return await("GpuBudget " + name + " " + what).atMost(WAIT).pollInterval(POLL)
        .until(() -> budget(name), b -> b != null && b.getStatus() != null && test.test(b.getStatus())).getStatus();
  }

  /** A GpuDag manifest named {@code name} whose tasks are {@code tasks} (a YAML flow list), on the Local provider. */
  private String dag(String name, String tasks) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuDag
        metadata:
          name: %s
        spec:
          defaults:
            providerConfigRef: {name: %s}
            image: busybox:1.36
            command: ["sh", "-c", "echo task"]
            gpu: {type: A100, count: 1}
          tasks: %s
        """.formatted(name, provider, tasks);
  }

  private static String reason(GpuJobStatus status) {
    return Conditions.find(status.getConditions(), JobCondition.RECONCILING).map(c -> c.getReason()).orElse("");
  }

  @Test
  @Order(1)
  void alicesJobsAndDagsAreStampedWithHerNameAndTheStampCannotBeEdited() {
    asAlice(OperatorE2eTestBase.shellJob(namespace, "alice-train", provider, "echo train"), "create", "-f", "-")
        .assertSuccess();
    assertThat(fixture.job("alice-train").getMetadata().getAnnotations()).containsEntry(STAMP, ALICE);

    Kubectl.Result edit = asAlice(null, "annotate", "gpujob", "alice-train", STAMP + "=oidc:bob", "--overwrite");
    assertThat(edit.succeeded()).as("alice re-stamps her job: %s", edit).isFalse();
    assertThat(edit.stderr()).contains("denied the request", "cannot be changed", "it is oidc:alice");
    assertThat(kubectl.run("-n", namespace, "annotate", "gpujob", "alice-train", STAMP + "-").succeeded())
        .as("removing it is put back").isTrue();
    assertThat(fixture.job("alice-train").getMetadata().getAnnotations()).containsEntry(STAMP, ALICE);

    asAlice("""
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuDag
        metadata:
          name: alice-pipeline
          annotations:
            gpucompute.io/submitted-by: oidc:carol
        spec:
          defaults:
            providerConfigRef: {name: %s}
            image: busybox:1.36
            gpu: {type: A100, count: 1}
          tasks:
            - name: prepare
              template:
                command: ["sh", "-c", "echo prepare"]
        """.formatted(provider), "apply", "-f", "-").assertSuccess();
    GpuDag dag = client.resources(GpuDag.class).inNamespace(namespace).withName("alice-pipeline").get();
    assertThat(dag.getMetadata().getAnnotations()).as("a forged stamp is replaced").containsEntry(STAMP, ALICE);
    GpuJob child = await("the DAG's GpuJob").atMost(WAIT).pollInterval(POLL)
        .until(() -> fixture.job("alice-pipeline-prepare"), Objects::nonNull);
    assertThat(child.getMetadata().getAnnotations()).as("the operator creates it; it inherits the DAG's stamp")
        .containsEntry(STAMP, ALICE);
  }

  @Test
  @Order(2)
  void anInvalidDagAndAProviderChangeMidAttemptAreRefusedWithReadableMessages() {
    Kubectl.Result unknown = asAlice(dag("circular", "[{name: train}, {name: report, dependsOn: [evaluate]}]"),
        "apply", "-f", "-");
    assertThat(unknown.succeeded()).isFalse();
    assertThat(unknown.stderr()).contains("denied the request", "GpuDag " + namespace + "/circular cannot run "
        + "(InvalidGraph): unknown dependencies (task -> missing task): report -> evaluate");
    Kubectl.Result cycle = asAlice(dag("circular", "[{name: train, dependsOn: [eval]}, {name: eval, dependsOn: "
        + "[train]}]"), "apply", "-f", "-");
    assertThat(cycle.succeeded()).isFalse();
    assertThat(cycle.stderr()).contains("denied the request", "dependency cycle", "train -> eval");
    assertThat(client.resources(GpuDag.class).inNamespace(namespace).withName("circular").get()).isNull();

    asAlice(OperatorE2eTestBase.shellJob(namespace, "alice-long", provider, "sleep 600"), "create", "-f", "-")
        .assertSuccess();
    fixture.awaitJob("alice-long", "Running", s -> s.getPhase() == JobPhase.Running);
    Kubectl.Result move = asAlice(null, "patch", "gpujob", "alice-long", "--type=merge", "-p",
        "{\"spec\":{\"providerConfigRef\":{\"name\":\"elsewhere\"}}}");
    assertThat(move.succeeded()).isFalse();
    assertThat(move.stderr()).contains("spec.providerConfigRef of GpuJob " + namespace + "/alice-long cannot change "
        + "from " + provider + " to elsewhere while attempt 1 holds a workload on " + provider + " (phase Running)");
    client.resources(GpuJob.class).inNamespace(namespace).withName("alice-long").delete();
  }

  @Test
  @Order(3)
  void aOneDollarBudgetKeepsTheThirdJobWaitingAndRaisingTheLimitStartsIt() {
    Map<String, String> labels = Map.of("test", "dollar");
    createBudget("dollar", "1.00", labels, spec -> {});
    // Each job may cost 1.10 USD/h x 20 minutes = 0.37: two fit in 1.00, the third does not.
    createJob("dollar-1", labels, 1200L, "sleep 600");
    fixture.awaitJob("dollar-1", "Running", s -> s.getPhase() == JobPhase.Running);
    createJob("dollar-2", labels, 1200L, "sleep 600");
    fixture.awaitJob("dollar-2", "Running", s -> s.getPhase() == JobPhase.Running);
    createJob("dollar-3", labels, 1200L, "sleep 600");

    GpuJob third = fixture.awaitJob("dollar-3", "waiting for the budget",
        s -> s.getPhase() == JobPhase.Queued && reason(s).equals("BudgetExceeded"));
    assertThat(third.getStatus().getMessage()).startsWith("GpuBudget dollar spent 0.00 of 1.00 USD in ")
        .endsWith("this job may cost up to 0.37");
    GpuBudgetStatus status = awaitBudget("dollar", "holds the two running jobs",
        s -> s.getGpusInUse().stream().anyMatch(g -> g.getInUse() == 2));
    assertThat(new BigDecimal(status.getReserved())).isBetween(new BigDecimal("0.70"), new BigDecimal("0.74"));

    setLimit("dollar", "2.00");
    Instant raisedAt = Instant.now();
    fixture.awaitJob("dollar-3", "started once the limit was raised", s -> s.getPhase() == JobPhase.Running);
    Duration started = Duration.between(raisedAt, Instant.now());
    System.out.printf("e2e: the waiting job started %d ms after the limit was raised%n", started.toMillis());
    assertThat(started).as("woken by the change, not by the %ss recheck", RECHECK_SECONDS)
        .isLessThan(Duration.ofSeconds(60));
    for (String name : List.of("dollar-1", "dollar-2", "dollar-3")) {
      client.resources(GpuJob.class).inNamespace(namespace).withName(name).delete();
    }
  }

  @Test
  @Order(4)
  void aLimitOfTwoA100KeepsAThirdA100JobQueuedUntilOneEnds() {
    Map<String, String> labels = Map.of("test", "quota");
    createBudget("quota", "100", labels, spec -> spec.setGpuLimits(List.of(new GpuLimit("A100", 2))));
    createJob("quota-1", labels, null, "sleep 600");
    createJob("quota-2", labels, null, "sleep 600");
    fixture.awaitJob("quota-1", "Running", s -> s.getPhase() == JobPhase.Running);
    fixture.awaitJob("quota-2", "Running", s -> s.getPhase() == JobPhase.Running);
    createJob("quota-3", labels, null, "sleep 600");

    GpuJob third = fixture.awaitJob("quota-3", "waiting for its GPU quota",
        s -> s.getPhase() == JobPhase.Queued && reason(s).equals("GpuQuotaExceeded"));
    assertThat(third.getStatus().getMessage())
        .isEqualTo("GpuBudget quota allows 2 A100 at once and its jobs hold 2; this job needs 1");

    client.resources(GpuJob.class).inNamespace(namespace).withName("quota-1").delete();
    fixture.awaitJob("quota-3", "started once a GPU was free", s -> s.getPhase() == JobPhase.Running);
    client.resources(GpuJob.class).inNamespace(namespace).withName("quota-2").delete();
    client.resources(GpuJob.class).inNamespace(namespace).withName("quota-3").delete();
  }

  @Test
  @Order(5)
  void stopRunningStopsARunningJobWhenTheLimitIsUsedAndItStartsAgainWhenTheLimitIsRaised() {
    Map<String, String> labels = Map.of("test", "stop");
    createBudget("stop", "10.00", labels, spec -> spec.setOnExceeded(BudgetEnforcement.StopRunning));
    createJob("stop-1", labels, 1200L, "sleep 600");
    fixture.awaitJob("stop-1", "Running", s -> s.getPhase() == JobPhase.Running);

    setLimit("stop", "0.00");
    GpuJob stopped = fixture.awaitJob("stop-1", "stopped by its budget, its workload released",
        s -> s.getPhase() == JobPhase.Queued && reason(s).equals("BudgetExceeded") && s.getWorkload() != null
            && s.getWorkload().isReleased());
    assertThat(stopped.getStatus().getMessage()).as("then it waits for the budget").startsWith("GpuBudget stop ");
    assertThat(stopped.getStatus().getFailures()).as("a stop is no failure").isNull();
    assertThat(new BigDecimal(stopped.getStatus().getSettledCost())).as("attempt 1's cost is settled").isPositive();
    await("the stop's Event").atMost(WAIT).pollInterval(POLL).untilAsserted(() -> assertThat(client.v1().events()
        .inNamespace(namespace).list().getItems()).anySatisfy(event -> {
          assertThat(event.getInvolvedObject().getName()).isEqualTo("stop-1");
          assertThat(event.getReason()).isEqualTo("BudgetExceeded");
          assertThat(event.getMessage()).contains("GpuBudget stop reached its limit", "StopRunning",
              "attempt 1 is stopped");
        }));

    setLimit("stop", "10.00");
    fixture.awaitJob("stop-1", "started again once the limit was raised",
        s -> s.getPhase() == JobPhase.Running && s.getAttempts() == 2);
    client.resources(GpuJob.class).inNamespace(namespace).withName("stop-1").delete();
  }

  private void setLimit(String budget, String limit) {
    GpuBudget changed = budget(budget);
    changed.getSpec().setLimit(limit);
    client.resource(changed).update();
  }

  /**
   * Settles across SIGKILLs of the operator, with the windows between the three writes of a settle held open from
   * outside: first the jobs' records are refused (the budget has counted, the jobs do not know it) and the operator is
   * killed; then the removal of ledger entries is refused (the jobs know, the ledger still says) and it is killed
   * again; then jobs finish while it is killed once more. Spent must end equal to the sum of the jobs' costs.
   */
  @Test
  @Order(6)
  void sigkillsWhileJobsSettleLeaveSpentEqualToTheSumOfTheFinishedJobsCosts() {
    Map<String, String> labels = Map.of("test", "settle");
    createBudget("settle", "100", labels, spec -> {});
    Holds holds = new Holds();
    try (LoopbackWebhook records = LoopbackWebhook.start(client, "gpucompute-e2e-records-" + namespace, namespace, dir,
        List.of(LoopbackWebhook.rule(List.of("gpujobs/status"), "UPDATE")), request -> holds.records
            && !request.path("object").path("status").path("budgets")
                .equals(request.path("oldObject").path("status").path("budgets"))
            ? Optional.of("the e2e test fails the job's budget record") : Optional.empty());
        LoopbackWebhook drops = LoopbackWebhook.start(client, "gpucompute-e2e-ledger-" + namespace, namespace, dir,
            List.of(LoopbackWebhook.rule(List.of("gpubudgets/status"), "UPDATE")), request -> holds.drops
                && request.path("object").path("status").path("settlements").size()
                    < request.path("oldObject").path("status").path("settlements").size()
                ? Optional.of("the e2e test fails the removal of ledger entries") : Optional.empty())) {
      holds.records = true;
      List<String> first = List.of("settle-1", "settle-2", "settle-3", "settle-4");
      first.forEach(name -> createJob(name, labels, 60L, "sleep 1"));
      first.forEach(name -> fixture.awaitJob(name, "Succeeded", s -> s.getPhase() == JobPhase.Succeeded));
      BigDecimal firstCosts = costs(first);
      awaitBudget("settle", "has counted the first jobs, which do not know it yet",
          s -> s.getSettlements().size() == first.size() && new BigDecimal(s.getSpent()).compareTo(firstCosts) == 0);
      assertThat(records.denied()).isPositive();
      fixture.killOperator();

      holds.records = false;
      holds.drops = true;
      fixture.startOperator();
      await("the first jobs record what the budget counted").atMost(WAIT).pollInterval(POLL)
          .until(() -> first.stream().allMatch(this::recorded));
      await("the operator tries to drop the acknowledged ledger entries").atMost(WAIT).pollInterval(POLL)
          .until(() -> drops.denied() > 0);
      assertThat(new BigDecimal(budget("settle").getStatus().getSpent())).as("nothing counted twice")
          .isEqualByComparingTo(firstCosts);
      fixture.killOperator();

      holds.drops = false;
      fixture.startOperator();
      List<String> second = List.of("settle-5", "settle-6", "settle-7", "settle-8");
      second.forEach(name -> createJob(name, labels, 60L, "sleep 1"));
      fixture.awaitJob("settle-5", "Succeeded", s -> s.getPhase() == JobPhase.Succeeded);
      fixture.killOperator();
      fixture.startOperator();

      List<String> all = new ArrayList<>(first);
      all.addAll(second);
      all.forEach(name -> fixture.awaitJob(name, "Succeeded", s -> s.getPhase() == JobPhase.Succeeded));
      await("every job records its cost and the ledger is empty").atMost(WAIT).pollInterval(POLL)
          .until(() -> all.stream().allMatch(this::recorded) && budget("settle").getStatus().getSettlements().isEmpty());
      GpuBudgetStatus status = budget("settle").getStatus();
      BigDecimal sum = costs(all);
      System.out.printf("e2e: spent %s, the jobs' costs sum to %s%n", status.getSpent(), sum.toPlainString());
      assertThat(sum).isPositive();
      assertThat(new BigDecimal(status.getSpent())).isEqualByComparingTo(sum);
      assertThat(status.getUsers().stream().map(UserSpend::getSpent).map(BigDecimal::new)
          .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(sum);
      assertThat(status.getUsers()).extracting(UserSpend::getUser).containsExactly("admin");
      // This operator started after the last SIGKILL: its gauge is read from the budget, not counted by the process.
      String metrics = await("the restarted operator reports the budget's spend").atMost(WAIT).pollInterval(POLL)
          .until(() -> fixture.operator().body("/metrics").orElse(""), text -> spendOf(text, "settle") > 0);
      assertThat(spendOf(metrics, "settle")).as("gpucompute_spend_usd of budget settle")
          .isCloseTo(sum.doubleValue(), within(1e-9));
    }
  }

  /**
   * Clients that open connections to the probes' port and the webhook's and never finish a request (a TLS record or a
   * request line cut short) are cut off: the probes answer and writes pass the webhook within seconds, instead of
   * every server thread waiting on them for ever (the kubelet would restart the operator; every write to a GpuJob
   * would fail).
   */
  @Test
  @Order(7)
  void clientsThatNeverFinishTheirRequestsStopNeitherTheProbesNorTheWebhook() throws IOException {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        stalled.add(halfARequest(webhookPort, new byte[] {0x16, 0x03, 0x01}));
        stalled.add(halfARequest(fixture.operator().healthPort(), "GET /readyz HTTP/1.1\r\n".getBytes(UTF_8)));
      }
      await("/readyz answers").atMost(STALL_CUT_OFF).pollInterval(POLL)
          .until(() -> fixture.operator().status("/readyz") == 200);
      await("a job passes the webhook").atMost(STALL_CUT_OFF).pollInterval(POLL)
          .until(() -> asAlice(OperatorE2eTestBase.shellJob(namespace, "after-stalls", provider, "true"), "create", "-f",
              "-").succeeded());
      assertThat(fixture.job("after-stalls").getMetadata().getAnnotations()).containsEntry(STAMP, ALICE);
      for (Socket socket : stalled) {
        assertThat(cutOff(socket)).as("the operator closed the connection").isTrue();
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
      client.resources(GpuJob.class).inNamespace(namespace).withName("after-stalls").delete();
    }
  }

  /** Whether the other end closes {@code socket} (an alert and EOF, or a reset) within {@link #STALL_CUT_OFF}. */
  private static boolean cutOff(Socket socket) throws IOException {
    socket.setSoTimeout((int) STALL_CUT_OFF.toMillis());
    try {
      socket.getInputStream().readAllBytes();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  /** A loopback connection to {@code port} that has sent {@code start} and will send nothing more. */
  private static Socket halfARequest(int port, byte[] start) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.getOutputStream().write(start);
    socket.getOutputStream().flush();
    return socket;
  }

  private static final class Holds {
    volatile boolean records;
    volatile boolean drops;
  }

  /** The sum of {@code gpucompute_spend_usd} over the people and providers of {@code budget}. */
  private static double spendOf(String metrics, String budget) {
    Matcher line = Pattern.compile("(?m)^gpucompute_spend_usd\\{([^}]*)\\} (\\S+)$").matcher(metrics);
    double sum = 0;
    while (line.find()) {
      if (line.group(1).contains("budget=\"" + budget + "\"")) {
        sum += Double.parseDouble(line.group(2));
      }
    }
    return sum;
  }

  /** The sum of the jobs' settled costs. */
  private BigDecimal costs(List<String> names) {
    return names.stream().map(name -> Money.parseOrZero(fixture.job(name).getStatus().getSettledCost()))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** Whether the job records that budget "settle" counted all of its cost. */
  private boolean recorded(String name) {
    GpuJob job = fixture.job(name);
    BigDecimal settled = Money.parseOrZero(job.getStatus().getSettledCost());
    List<BudgetCharge> charges = job.getStatus().getBudgets() == null ? List.of() : job.getStatus().getBudgets();
    return charges.stream().anyMatch(c -> c.getBudget().equals("settle")
        && Money.parseOrZero(c.getCharged()).compareTo(settled) == 0);
  }
}
