package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** AdmissionReview requests for the webhook's tests, built from YAML-ish JSON snippets. */
final class Reviews {

  static final ObjectMapper JSON = new ObjectMapper();

  private Reviews() {}

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An AdmissionReview of {@code operation} on {@code kind} by {@code user}; {@code oldObject} may be null. */
  static ObjectNode review(String kind, String operation, String user, String object, String oldObject) {
    ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request").put("uid", "req-1").put("operation", operation);
    request.putObject("kind").put("group", "gpucompute.io").put("version", "v1alpha1").put("kind", kind);
    request.putObject("userInfo").put("username", user);
    request.set("object", json(object));
    if (oldObject != null) {
      request.set("oldObject", json(oldObject));
    }
    return review;
  }

  static AdmissionRequest request(String kind, String operation, String user, String object, String oldObject) {
    return AdmissionRequest.of(review(kind, operation, user, object, oldObject));
  }

  /** A GpuJob's JSON with {@code annotations} (a JSON object or null), spec.providerConfigRef and a status. */
  static String job(String annotations, String providerConfig, String status) {
    return "{\"metadata\":{\"name\":\"train\",\"namespace\":\"team-a\""
        + (annotations == null ? "" : ",\"annotations\":" + annotations) + "},"
        + "\"spec\":{\"providerConfigRef\":{\"name\":\"" + providerConfig + "\"},\"image\":\"busybox\","
        + "\"gpu\":{\"type\":\"A100\",\"count\":1}}"
        + (status == null ? "" : ",\"status\":" + status) + "}";
  }
}
