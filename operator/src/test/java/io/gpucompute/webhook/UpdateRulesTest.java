package io.gpucompute.webhook;

import static io.gpucompute.webhook.Reviews.job;
import static io.gpucompute.webhook.Reviews.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the validating webhook refuses: a provider change mid-attempt, an invalid DAG, a changed stamp. */
class UpdateRulesTest {

  private static final String RUNNING = "{\"phase\":\"Running\",\"attempts\":2,\"workload\":{\"attempt\":2,"
      + "\"providerConfig\":\"local-a\",\"providerConfigUid\":\"u\"}}";
  private static final String RELEASED = "{\"phase\":\"Queued\",\"attempts\":2,\"workload\":{\"attempt\":2,"
      + "\"providerConfig\":\"local-a\",\"providerConfigUid\":\"u\",\"released\":true}}";
  private static final String LEGACY_RUNNING = "{\"phase\":\"Submitting\",\"attempts\":1}";

  static Stream<Arguments> providerChanges() {
    return Stream.of(
        // status before, refused
        Arguments.of(RUNNING, true),
        Arguments.of(LEGACY_RUNNING, true),          // a status without attempt records: its phase says
        Arguments.of(RELEASED, false),
        Arguments.of("{\"phase\":\"Suspended\"}", false),
        Arguments.of("{\"phase\":\"Succeeded\",\"workload\":{\"attempt\":1,\"released\":true}}", false),
        Arguments.of(null, false));
  }

  @ParameterizedTest
  @MethodSource("providerChanges")
  void theProviderCannotChangeWhileAnAttemptHoldsAWorkload(String status, boolean refused) {
    Verdict verdict = UpdateRules.validate(request("GpuJob", "UPDATE", "oidc:alice", job(null, "local-b", status),
        job(null, "local-a", status)));

    assertThat(verdict instanceof Verdict.Deny).isEqualTo(refused);
  }

  @Test
  void theRefusalSaysWhatRunsWhereAndWhatToDo() {
    Verdict verdict = UpdateRules.validate(request("GpuJob", "UPDATE", "oidc:alice", job(null, "local-b", RUNNING),
        job(null, "local-a", RUNNING)));

    assertThat(((Verdict.Deny) verdict).message()).isEqualTo("spec.providerConfigRef of GpuJob team-a/train cannot "
        + "change from local-a to local-b while attempt 2 holds a workload on local-a (phase Running); suspend the job "
        + "(spec.suspend: true) and change it once the job is Suspended, or wait until the attempt ends");
  }

  @Test
  void otherEditsOfARunningJobPass() {
    String before = job(null, "local-a", RUNNING);
    String suspended = before.replace("\"image\":\"busybox\"", "\"image\":\"busybox\",\"suspend\":true");

    assertThat(UpdateRules.validate(request("GpuJob", "UPDATE", "oidc:alice", suspended, before)))
        .isEqualTo(Verdict.ALLOW);
    assertThat(UpdateRules.validate(request("GpuJob", "CREATE", "oidc:alice", before, null))).isEqualTo(Verdict.ALLOW);
  }

  private static String dag(String tasks) {
    return "{\"metadata\":{\"name\":\"pipeline\",\"namespace\":\"team-a\"},\"spec\":{\"defaults\":{"
        + "\"providerConfigRef\":{\"name\":\"local\"},\"image\":\"busybox\",\"gpu\":{\"type\":\"A100\",\"count\":1}},"
        + "\"tasks\":" + tasks + "}}";
  }

  @Test
  void aDagWithACycleOrAnUnknownDependencyIsRefusedNamingTheTasks() {
    String cycle = dag("[{\"name\":\"a\",\"dependsOn\":[\"c\"]},{\"name\":\"b\",\"dependsOn\":[\"a\"]},"
        + "{\"name\":\"c\",\"dependsOn\":[\"b\"]}]");
    String unknown = dag("[{\"name\":\"train\"},{\"name\":\"eval\",\"dependsOn\":[\"trian\"]}]");
    String valid = dag("[{\"name\":\"train\"},{\"name\":\"eval\",\"dependsOn\":[\"train\"]}]");

    assertThat(UpdateRules.validate(request("GpuDag", "CREATE", "oidc:alice", cycle, null)))
        .isInstanceOfSatisfying(Verdict.Deny.class, deny -> assertThat(deny.message())
            .startsWith("GpuDag team-a/pipeline cannot run (InvalidGraph): dependency cycle").contains("a", "b", "c"));
    assertThat(UpdateRules.validate(request("GpuDag", "CREATE", "oidc:alice", unknown, null)))
        .isInstanceOfSatisfying(Verdict.Deny.class, deny -> assertThat(deny.message())
            .endsWith("unknown dependencies (task -> missing task): eval -> trian"));
    assertThat(UpdateRules.validate(request("GpuDag", "CREATE", "oidc:alice", valid, null))).isEqualTo(Verdict.ALLOW);
    assertThat(UpdateRules.validate(request("GpuDag", "UPDATE", "oidc:alice", cycle, valid)))
        .isInstanceOf(Verdict.Deny.class);
    // An invalid DAG from before the webhook can still lose its finalizer and be deleted.
    assertThat(UpdateRules.validate(request("GpuDag", "UPDATE", "system:serviceaccount:x:y", cycle, cycle)))
        .isEqualTo(Verdict.ALLOW);
  }

  @Test
  void aChangedStampIsRefusedHereToo() {
    String alice = job("{\"gpucompute.io/submitted-by\":\"oidc:alice\"}", "local", null);
    String bob = job("{\"gpucompute.io/submitted-by\":\"oidc:bob\"}", "local", null);

    assertThat(UpdateRules.validate(request("GpuJob", "UPDATE", "oidc:alice", bob, alice)))
        .isInstanceOf(Verdict.Deny.class);
  }
}
