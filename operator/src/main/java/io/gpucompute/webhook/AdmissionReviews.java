package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an AdmissionReview request into its response, for the mutating and the validating webhook. Pure. */
public final class AdmissionReviews {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionReviews.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionReviews() {}

  /** The response of the mutating webhook ({@link SubmitterStamp}). */
  public static ObjectNode mutate(JsonNode review, Optional<String> operatorUsername) {
    AdmissionRequest request = AdmissionRequest.of(review);
    return respond(request, SubmitterStamp.mutate(request, operatorUsername));
  }

  /** The response of the validating webhook ({@link UpdateRules}). */
  public static ObjectNode validate(JsonNode review) {
    AdmissionRequest request = AdmissionRequest.of(review);
    return respond(request, UpdateRules.validate(request));
  }

  private static ObjectNode respond(AdmissionRequest request, Verdict verdict) {
    ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode response = review.putObject("response").put("uid", request.uid());
    if (verdict instanceof Verdict.Deny deny) {
      LOG.info("webhook: refused {} of {} {} by {}: {}", request.operation(), request.kind(), request.objectName(),
          request.username(), deny.message());
      response.put("allowed", false).putObject("status").put("code", deny.code()).put("message", deny.message());
      return review;
    }
    response.put("allowed", true);
    Verdict.Allow allow = (Verdict.Allow) verdict;
    if (allow.patch() != null) {
      response.put("patchType", "JSONPatch").put("patch", Base64.getEncoder().encodeToString(
          allow.patch().toString().getBytes(StandardCharsets.UTF_8)));
    }
    return review;
  }
}
