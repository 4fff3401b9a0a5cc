package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.budget.SubmittedBy;
import java.util.Optional;

/**
 * The mutating rule: stamps each new GpuJob and GpuDag with {@link SubmittedBy#ANNOTATION}, the user name the API
 * server reported for the create, whatever the object said; keeps the stamp through updates (an update that drops it
 * gets it back) and refuses an update that changes it. The operator's own user may create objects that carry a stamp
 * already: the GpuJobs of a GpuDag, which inherit the DAG's. Pure.
 */
public final class SubmitterStamp {

  /** The annotation's name as a JSON pointer token ({@code /} escaped). */
  private static final String POINTER = "/metadata/annotations/" + SubmittedBy.ANNOTATION.replace("~", "~0")
      .replace("/", "~1");

  private SubmitterStamp() {}

  /**
   * The verdict on {@code request}.
   *
   * @param operatorUsername the operator's own user name, if known
   */
  public static Verdict mutate(AdmissionRequest request, Optional<String> operatorUsername) {
    Optional<String> stamped = stamp(request.object());
    if (request.isCreate()) {
      boolean inherited = operatorUsername.isPresent() && operatorUsername.get().equals(request.username())
          && stamped.isPresent();
      if (inherited || stamped.equals(Optional.of(request.username()))) {
        return Verdict.ALLOW;
      }
      return new Verdict.Allow(set(request.object(), request.username()));
    }
    if (request.isUpdate()) {
      Optional<String> before = stamp(request.oldObject());
      if (before.equals(stamped)) {
        return Verdict.ALLOW;
      }
      if (before.isPresent() && stamped.isEmpty()) {
        return new Verdict.Allow(set(request.object(), before.get()));
      }
      return changed(request, before, stamped);
    }
    return Verdict.ALLOW;
  }

  /** The refusal of an update that changes the stamp; also used by the validating rules, in case a later webhook did. */
  static Verdict changed(AdmissionRequest request, Optional<String> before, Optional<String> after) {
    return new Verdict.Deny(403, "metadata.annotations[" + SubmittedBy.ANNOTATION + "] records who created "
        + request.kind() + " " + request.objectName() + " and cannot be changed (it is "
        + before.orElse("unset") + "; the request would make it " + after.orElse("unset") + ")");
  }

  /** The stamp of {@code object}, if it has a non-blank one. */
  static Optional<String> stamp(JsonNode object) {
    JsonNode value = object.path("metadata").path("annotations").path(SubmittedBy.ANNOTATION);
    return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
  }

  /** A JSON patch that sets the stamp of {@code object} to {@code user}. */
  private static ArrayNode set(JsonNode object, String user) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    JsonNode annotations = object.path("metadata").path("annotations");
    if (annotations.isObject()) {
      patch.addObject().put("op", "add").put("path", POINTER).put("value", user);
    } else {
      ObjectNode value = JsonNodeFactory.instance.objectNode().put(SubmittedBy.ANNOTATION, user);
      patch.addObject().put("op", "add").put("path", "/metadata/annotations").set("value", value);
    }
    return patch;
  }
}
