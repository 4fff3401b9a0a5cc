package io.gpucompute.provider.runpod;

import io.gpucompute.provider.WorkloadLocks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec.CloudType;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RunPod provider of one ProviderConfig in serverless mode: each attempt is one request to the endpoint
 * {@code spec.runpod.endpointId} ({@code POST /v2/{endpointId}/run}), polled with {@code GET /status/{id}} and
 * cancelled with {@code POST /cancel/{id}}. The endpoint's own image and GPUs run it; the request's input carries the
 * job's command, args and env.
 *
 * <p>RunPod finds a request by its id only, so this adapter does not {@link #findsWorkloadsByKey find workloads by
 * key}: the operator saves the id that {@code /run} returns in the job's status at once, and gives it back to
 * {@link #observe(WorkloadKey, String)} and {@link #cancel(WorkloadKey, String)}; in memory there is only a cache of
 * ids. A {@code /run} whose answer is lost after it may have reached RunPod (a timeout, a broken connection, a 5xx
 * other than 503) ends as {@link ProviderException.OutcomeUnknown}: it is never sent again blindly. Requests that
 * have ended (COMPLETED, FAILED, TIMED_OUT, CANCELLED) are never cancelled. The orphan sweep cannot list requests.
 *
 * <p>It does not {@link #observesInBulk observe in bulk}: RunPod reads a request's state by its id only
 * ({@code GET /status/{id}}) and has no call that reads many, so {@link #observeAll} is the contract's default, one
 * {@code /status} per request in flight per poll interval.
 */
final class RunPodServerlessProvider implements GpuProvider {

  private static final Logger log = LoggerFactory.getLogger(RunPodServerlessProvider.class);

  private final String configName;
  private final String endpointId;
  private final RunPodHttp http;
  private final RunPodEndpoints endpoints;
  private final RunPodGraphQl catalogue;
  private final WorkloadLocks locks;
  private final Map<WorkloadKey, RunPodSharedState.Request> requests;

  RunPodServerlessProvider(String configName, String endpointId, RunPodHttp http, RunPodEndpoints endpoints,
      RunPodGraphQl catalogue, RunPodSharedState shared) {
    this.configName = configName;
    this.endpointId = endpointId;
    this.http = http;
    this.endpoints = endpoints;
    this.catalogue = catalogue;
    this.requests = shared.requests;
    this.locks = shared.locks;
  }

  @Override
  public ProbeResult probe() {
    String what = "checking serverless endpoint " + endpointId;
    try {
      RunPodHttp.Reply reply = http.get(endpoints.serverless(endpointId, "health"), what);
      if (reply.status() == 404) {
        return ProbeResult.notReady("EndpointNotFound", "RunPod has no serverless endpoint " + endpointId
            + " for this API key (HTTP 404); check spec.runpod.endpointId");
      }
      JsonNode health = RunPodHttp.json(reply, what);
      JsonNode workers = health.path("workers");
      return ProbeResult.ready("serverless endpoint " + endpointId + " answered: " + workers.path("idle").asInt(0)
          + " idle and " + workers.path("running").asInt(0) + " running workers");
    } catch (ProviderException e) {
      return ProbeResult.notReady(e.reason(), e.getMessage());
    }
  }

  /** The catalogue's GPU types, without prices: endpoints bill per second at rates it does not hold. */
  @Override
  public List<Offer> offers() throws ProviderException {
    return RunPodOffers.of(catalogue.gpuTypes(), CloudType.ALL, false);
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    WorkloadKey key = spec.key();
    RunPodGpuTypes.require(spec.gpu().type());
    if (!spec.pullSecrets().isEmpty()) {
      throw new ProviderException.InvalidRequest("PullSecretsNotSupported", "a RunPod serverless endpoint runs its own "
          + "image, not spec.image: give the endpoint's template the registry auth, and leave spec.imagePullSecrets "
          + "empty");
    }
    if (!spec.volumes().isEmpty()) {
      throw spec.volumes().get(0).notSupported("a RunPod serverless endpoint", "runs requests on its own workers, "
          + "with the endpoint's own storage: attach a network volume to the endpoint instead");
    }
    return locks.withLock(key, () -> {
      RunPodSharedState.Request known = requests.get(key);
      if (known != null) {
        return new SubmitResult(known.id(), note(spec));
      }
      String what = "sending workload " + key.workloadName() + " to serverless endpoint " + endpointId;
      RunPodHttp.Reply reply;
      try {
        reply = http.post(endpoints.serverless(endpointId, "run"), body(spec), what);
      } catch (ProviderException.Transient e) {
        if (sent(e)) {
          throw new ProviderException.OutcomeUnknown("the request may have reached RunPod, but no answer came back ("
              + e.getMessage() + ")", e);
        }
        throw e;
      }
      if (reply.status() >= 500 && reply.status() != 503) {
        throw new ProviderException.OutcomeUnknown("RunPod answered HTTP " + reply.status() + " when " + what
            + ", which does not say whether it queued the request", null);
      }
      if (reply.status() == 404) {
        throw new ProviderException.InvalidRequest("EndpointNotFound", "RunPod has no serverless endpoint "
            + endpointId + " (HTTP 404 when " + what + ")");
      }
      String id = RunPodHttp.json(reply, what).path("id").asText("");
      if (id.isEmpty()) {
        throw new ProviderException.Transient("RunPodBadResponse", "RunPod's answer to " + what + " has no id", null);
      }
      requests.put(key, new RunPodSharedState.Request(endpointId, id));
      log.info("ProviderConfig {}: workload {} sent to serverless endpoint {} as request {}", configName, key,
          endpointId, id);
      return new SubmitResult(id, note(spec));
    });
  }

  @Override
  public boolean findsWorkloadsByKey() {
    return false;
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    return observe(key, null);
  }

  @Override
  public Observation observe(WorkloadKey key, String recordedId) throws ProviderException {
    RunPodSharedState.Request request = request(key, recordedId);
    if (request == null) {
      return Observation.notFound();
    }
    String what = "reading request " + request.id() + " of serverless endpoint " + request.endpointId();
    RunPodHttp.Reply reply = http.get(endpoints.serverless(request.endpointId(), "status/" + request.id()), what);
    if (reply.status() == 404) {
      requests.remove(key, request);
      return Observation.notFound();
    }
    return verdict(request.id(), RunPodHttp.json(reply, what));
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    cancel(key, null);
  }

  /** Cancels the request unless it has ended already, and forgets its id. */
  @Override
  public void cancel(WorkloadKey key, String recordedId) throws ProviderException {
    locks.withLock(key, () -> {
      RunPodSharedState.Request request = request(key, recordedId);
      if (request == null) {
        return null;
      }
      Observation now = observe(key, request.id());
      if (now.state().isFinished() || now.state() == WorkloadState.NOT_FOUND) {
        requests.remove(key);
        return null;
      }
      String what = "cancelling request " + request.id() + " of serverless endpoint " + request.endpointId();
      RunPodHttp.Reply reply = http.post(endpoints.serverless(request.endpointId(), "cancel/" + request.id()),
          Json.MAPPER.createObjectNode(), what);
      if (reply.status() != 404) {
        RunPodHttp.json(reply, what);
      }
      log.info("workload {}: serverless request {} cancelled", key, request.id());
      requests.remove(key);
      return null;
    });
  }

  @Override
  public void forget(WorkloadKey key, String recordedId) throws ProviderException {
    cancel(key, recordedId);
  }

  /** The request of {@code key}: from the id the job's status recorded, else from this process's cache. */
  private RunPodSharedState.Request request(WorkloadKey key, String recordedId) {
    if (recordedId != null && !recordedId.isBlank()) {
      return new RunPodSharedState.Request(endpointId, recordedId);
    }
    return requests.get(key);
  }

  /** Whether a failed call may have reached RunPod: anything but a refused or unresolvable connection. */
  private static boolean sent(ProviderException.Transient failure) {
    Throwable cause = failure.getCause();
    return cause instanceof java.io.IOException && !(cause instanceof java.net.ConnectException)
        && !(cause instanceof java.net.UnknownHostException);
  }

  /** The request body: {@code {"input": {"workload", "command", "args", "env"}}}. */
  static ObjectNode body(WorkloadSpec spec) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode input = body.putObject("input");
    input.put("workload", spec.key().workloadName());
    spec.command().forEach(input.putArray("command")::add);
    spec.args().forEach(input.putArray("args")::add);
    ObjectNode env = input.putObject("env");
    new java.util.TreeMap<>(spec.env()).forEach(env::put);
    if (spec.logUpload() != null) {
      // The endpoint's handler runs the request: one that ships logs PUTs the output to this URL.
      input.putObject("logUpload").put("url", spec.logUpload().url().toString())
          .put("intervalSeconds", spec.logUpload().intervalSeconds());
    }
    return body;
  }

  /** What a {@code /status} answer says. Pure. */
  static Observation verdict(String id, JsonNode status) {
    String state = status.path("status").asText("UNKNOWN");
    String timing = timing(status);
    return switch (state) {
      case "IN_QUEUE" -> new Observation(WorkloadState.PENDING, id, null, "request " + id + " waits in the "
          + "endpoint's queue", null, null, null);
      case "IN_PROGRESS", "RUNNING" -> new Observation(WorkloadState.RUNNING, id, null, "request " + id
          + " runs on a worker", null, null, null);
      case "COMPLETED" -> new Observation(WorkloadState.SUCCEEDED, id, 0, "request " + id + " completed" + timing,
          text(status.get("output")), null, null);
      case "FAILED" -> new Observation(WorkloadState.FAILED, id, null, "request " + id + " failed" + timing
          + errorSuffix(status), text(status.get("error")), null, null);
      case "TIMED_OUT" -> new Observation(WorkloadState.FAILED, id, null, "request " + id + " timed out on the "
          + "endpoint" + timing + errorSuffix(status), text(status.get("error")), null, null);
      case "CANCELLED" -> new Observation(WorkloadState.LOST, id, null, "request " + id + " was cancelled",
          text(status.get("error")), null, null);
      default -> new Observation(WorkloadState.PENDING, id, null, "request " + id + " is " + state, null, null, null);
    };
  }

  private static String timing(JsonNode status) {
    if (!status.has("executionTime")) {
      return "";
    }
    return " after " + status.path("executionTime").asLong() + " ms of execution (" + status.path("delayTime").asLong()
        + " ms in the queue)";
  }

  private static String errorSuffix(JsonNode status) {
    JsonNode error = status.get("error");
    if (error == null || error.isNull()) {
      return "";
    }
    String text = error.isTextual() ? error.asText() : error.toString();
    try {
      JsonNode parsed = Json.MAPPER.readTree(text);
      if (parsed != null && parsed.hasNonNull("error_message")) {
        text = parsed.get("error_type").asText("error") + ": " + parsed.get("error_message").asText();
      }
    } catch (IOException | RuntimeException e) {
      // a plain message
    }
    return ": " + RunPodErrors.truncate(text);
  }

  /** An output or error as text for the log tail, bounded; null when absent. */
  private static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    String text = value.isTextual() ? value.asText() : value.toString();
    return PodVerdict.tail(List.of(text.split("\n", -1)));
  }

  private String note(WorkloadSpec spec) {
    return "request to RunPod serverless endpoint " + endpointId + "; the endpoint's image and GPUs run it (spec.image "
        + spec.image() + " is not used)" + (spec.logUpload() == null ? "" : "; the output is archived only if the "
        + "endpoint's handler uploads it to input.logUpload.url");
  }
}
