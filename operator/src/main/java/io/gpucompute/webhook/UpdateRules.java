package io.gpucompute.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.dag.DagGraph;
import java.util.Objects;
import java.util.Optional;

/**
 * The validating rules, which the CRD schema cannot say on the API servers this project supports (no CEL there):
 * <ul>
 *   <li>a GpuJob's {@code spec.providerConfigRef} does not change while an attempt holds a workload;</li>
 *   <li>a GpuDag's graph is valid (tasks named once, known dependencies, no cycle, complete templates), at create
 *       and at each change of its spec; the message names the tasks;</li>
 *   <li>the submitted-by stamp does not change (the mutating rule refuses it already; this catches a later
 *       webhook that would).</li>
 * </ul>
 * An update that leaves the spec as it is (a finalizer, a label) is never refused for the spec, so an object created
 * before these rules can still be finished and deleted. Pure.
 */
public final class UpdateRules {

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private UpdateRules() {}

  /** The verdict on {@code request}. */
  public static Verdict validate(AdmissionRequest request) {
    if (request.isUpdate()) {
      Optional<String> before = SubmitterStamp.stamp(request.oldObject());
      Optional<String> after = SubmitterStamp.stamp(request.object());
      if (before.isPresent() && !before.equals(after)) {
        return SubmitterStamp.changed(request, before, after);
      }
    }
    boolean specChanged = !request.isUpdate()
        || !Objects.equals(request.object().path("spec"), request.oldObject().path("spec"));
    if (!specChanged) {
      return Verdict.ALLOW;
    }
    return switch (request.kind()) {
      case "GpuJob" -> request.isUpdate() ? providerConfigRef(request) : Verdict.ALLOW;
      case "GpuDag" -> dagGraph(request);
      default -> Verdict.ALLOW;
    };
  }

  private static Verdict providerConfigRef(AdmissionRequest request) {
    String before = request.oldObject().path("spec").path("providerConfigRef").path("name").asText("");
    String after = request.object().path("spec").path("providerConfigRef").path("name").asText("");
    if (before.equals(after)) {
      return Verdict.ALLOW;
    }
    JsonNode status = request.oldObject().path("status");
    JsonNode workload = status.path("workload");
    String phase = status.path("phase").asText("");
    boolean holds = workload.isObject() ? !workload.path("released").asBoolean(false)
        : isHolding(phase);
    if (!holds) {
      return Verdict.ALLOW;
    }
    String attempt = workload.path("attempt").asText(status.path("attempts").asText("?"));
    String runsOn = workload.path("providerConfig").asText(before);
    return new Verdict.Deny(403, "spec.providerConfigRef of GpuJob " + request.objectName() + " cannot change from "
        + before + " to " + after + " while attempt " + attempt + " holds a workload on " + runsOn + " (phase "
        + (phase.isEmpty() ? "unknown" : phase) + "); suspend the job (spec.suspend: true) and change it once the "
        + "job is Suspended, or wait until the attempt ends");
  }

  private static boolean isHolding(String phase) {
    try {
      return !phase.isEmpty() && JobPhase.valueOf(phase).holdsWorkload();
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  private static Verdict dagGraph(AdmissionRequest request) {
    GpuDagSpec spec;
    try {
      spec = JSON.treeToValue(request.object().path("spec"), GpuDagSpec.class);
    } catch (Exception unreadable) {
      return Verdict.ALLOW; // the CRD schema has checked its shape; the operator reports what it cannot run
    }
    String name = request.object().path("metadata").path("name").asText(null);
    return DagGraph.compile(name, spec).problem()
        .<Verdict>map(problem -> new Verdict.Deny(422, "GpuDag " + request.objectName() + " cannot run ("
            + problem.reason() + "): " + problem.message()))
        .orElse(Verdict.ALLOW);
  }
}
