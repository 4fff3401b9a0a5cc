package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the webhook reads of an {@code admission.k8s.io/v1} AdmissionReview's request.
 *
 * @param uid the request's uid, which the response repeats
 * @param kind the object's kind ({@code GpuJob}, {@code GpuDag})
 * @param operation {@code CREATE} or {@code UPDATE}
 * @param username the requesting user as the API server authenticated it (for example {@code oidc:alice})
 * @param object the object as it would be stored
 * @param oldObject the object as it is stored, for an UPDATE; a missing node otherwise
 */
public record AdmissionRequest(String uid, String kind, String operation, String username, JsonNode object,
    JsonNode oldObject) {

  /** The request of an AdmissionReview. */
  public static AdmissionRequest of(JsonNode review) {
    JsonNode request = review.path("request");
    return new AdmissionRequest(request.path("uid").asText(""), request.path("kind").path("kind").asText(""),
        request.path("operation").asText(""), request.path("userInfo").path("username").asText(""),
        request.path("object"), request.path("oldObject"));
  }

  boolean isCreate() {
    return "CREATE".equals(operation);
  }

  boolean isUpdate() {
    return "UPDATE".equals(operation);
  }

  /** The object's {@code namespace/name}, for messages and logs. */
  String objectName() {
    JsonNode metadata = object.path("metadata");
    return metadata.path("namespace").asText("") + "/" + metadata.path("name").asText("");
  }
}
