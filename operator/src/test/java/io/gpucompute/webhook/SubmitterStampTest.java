package io.gpucompute.webhook;

import static io.gpucompute.webhook.Reviews.job;
import static io.gpucompute.webhook.Reviews.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who submitted a GpuJob or GpuDag: stamped at create from the API server's user, and never changed after. */
class SubmitterStampTest {

  private static final Optional<String> OPERATOR = Optional.of("system:serviceaccount:gpucompute-system:operator");
  private static final String STAMP = "gpucompute.io/submitted-by";

  /** The object after the verdict's patch. */
  private static JsonNode applied(Verdict verdict, String object) throws Exception {
    assertThat(verdict).isInstanceOf(Verdict.Allow.class);
    JsonNode patch = ((Verdict.Allow) verdict).patch();
    JsonNode json = Reviews.json(object);
    return patch == null ? json : JsonPatch.apply(patch, json);
  }

  @Test
  void aCreateIsStampedWithTheUserTheApiServerReportedWhateverTheObjectSays() throws Exception {
    String bare = job(null, "local", null);
    String forged = job("{\"" + STAMP + "\":\"oidc:bob\",\"team\":\"a\"}", "local", null);

    assertThat(applied(SubmitterStamp.mutate(request("GpuJob", "CREATE", "oidc:alice", bare, null), OPERATOR), bare)
        .at("/metadata/annotations").toString()).isEqualTo("{\"" + STAMP + "\":\"oidc:alice\"}");
    JsonNode fixed = applied(SubmitterStamp.mutate(request("GpuDag", "CREATE", "oidc:alice", forged, null), OPERATOR),
        forged);
    assertThat(fixed.at("/metadata/annotations/" + STAMP.replace("/", "~1")).asText()).isEqualTo("oidc:alice");
    assertThat(fixed.at("/metadata/annotations/team").asText()).as("other annotations stay").isEqualTo("a");
  }

  @Test
  void theOperatorsChildrenOfADagKeepTheStampTheyInherit() throws Exception {
    String child = job("{\"" + STAMP + "\":\"oidc:alice\"}", "local", null);
    String unstamped = job(null, "local", null);

    Verdict inherited = SubmitterStamp.mutate(request("GpuJob", "CREATE", OPERATOR.get(), child, null), OPERATOR);
    assertThat(inherited).isEqualTo(Verdict.ALLOW);
    assertThat(applied(SubmitterStamp.mutate(request("GpuJob", "CREATE", OPERATOR.get(), unstamped, null), OPERATOR),
        unstamped).at("/metadata/annotations/" + STAMP.replace("/", "~1")).asText()).isEqualTo(OPERATOR.get());
    // Anyone else who sends a stamp gets their own.
    assertThat(applied(SubmitterStamp.mutate(request("GpuJob", "CREATE", "oidc:mallory", child, null), OPERATOR),
        child).at("/metadata/annotations/" + STAMP.replace("/", "~1")).asText()).isEqualTo("oidc:mallory");
    assertThat(SubmitterStamp.mutate(request("GpuJob", "CREATE", OPERATOR.get(), child, null), Optional.empty()))
        .as("without the operator's name, nobody inherits").isNotEqualTo(Verdict.ALLOW);
  }

  @Test
  void anUpdateThatChangesTheStampIsRefusedAndOneThatDropsItGetsItBack() throws Exception {
    String alice = job("{\"" + STAMP + "\":\"oidc:alice\"}", "local", null);
    String bob = job("{\"" + STAMP + "\":\"oidc:bob\"}", "local", null);
    String dropped = job("{}", "local", null);

    Verdict changed = SubmitterStamp.mutate(request("GpuJob", "UPDATE", "oidc:alice", bob, alice), OPERATOR);
    assertThat(changed).isInstanceOfSatisfying(Verdict.Deny.class, deny -> {
      assertThat(deny.code()).isEqualTo(403);
      assertThat(deny.message()).isEqualTo("metadata.annotations[gpucompute.io/submitted-by] records who created "
          + "GpuJob team-a/train and cannot be changed (it is oidc:alice; the request would make it oidc:bob)");
    });
    assertThat(applied(SubmitterStamp.mutate(request("GpuJob", "UPDATE", "oidc:alice", dropped, alice), OPERATOR),
        dropped).at("/metadata/annotations/" + STAMP.replace("/", "~1")).asText()).isEqualTo("oidc:alice");
    assertThat(SubmitterStamp.mutate(request("GpuJob", "UPDATE", "oidc:alice", alice, alice), OPERATOR))
        .isEqualTo(Verdict.ALLOW);
    String legacy = job(null, "local", null);
    assertThat(SubmitterStamp.mutate(request("GpuJob", "UPDATE", "oidc:alice", alice, legacy), OPERATOR))
        .as("a job from before the webhook cannot be stamped later").isInstanceOf(Verdict.Deny.class);
  }

  @Test
  void theResponseCarriesTheUidAndABase64JsonPatch() {
    ObjectNode review = Reviews.review("GpuJob", "CREATE", "oidc:alice", job(null, "local", null), null);

    JsonNode response = AdmissionReviews.mutate(review, OPERATOR).path("response");

    assertThat(response.path("uid").asText()).isEqualTo("req-1");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(new String(java.util.Base64.getDecoder().decode(response.path("patch").asText())))
        .contains("oidc:alice");
  }
}
