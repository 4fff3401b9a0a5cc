package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpucompute.provider.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GraphQL operations of RunPod's pod API that the adapter uses. Every request is
 * {@code {"operationName", "query", "variables"}}: values travel as variables, never spliced into the document.
 */
final class RunPodGraphQl {

  static final String MYSELF = "query Myself { myself { id } }";
  static final String GPU_TYPES = "query GpuTypes { gpuTypes { id displayName memoryInGb secureCloud communityCloud "
      + "securePrice communityPrice secureSpotPrice communitySpotPrice } }";
  static final String MY_PODS = "query MyPods { myself { pods { id name desiredStatus } } }";
  static final String MY_PODS_WITH_ENV = "query MyPodsWithEnv { myself { pods { id name desiredStatus env } } }";
  /** What the adapter reads of a pod to observe it: the same for one pod and for all of them. */
  static final String POD_FIELDS = "id name desiredStatus podType costPerHr gpuCount lastStatusChange "
      + "machine { gpuDisplayName } runtime { uptimeInSeconds }";
  static final String POD = "query Pod($podId: String!) { pod(input: {podId: $podId}) { " + POD_FIELDS + " } }";
  static final String MY_PODS_OBSERVED = "query MyPodsObserved { myself { pods { " + POD_FIELDS + " } } }";
  static final String DEPLOY = "mutation PodFindAndDeployOnDemand($input: PodFindAndDeployOnDemandInput!) { "
      + "podFindAndDeployOnDemand(input: $input) { id name desiredStatus costPerHr machineId } }";
  static final String RENT_INTERRUPTABLE = "mutation PodRentInterruptable($input: PodRentInterruptableInput!) { "
      + "podRentInterruptable(input: $input) { id name desiredStatus costPerHr machineId } }";
  static final String TERMINATE = "mutation PodTerminate($podId: String!) { podTerminate(input: {podId: $podId}) }";
  static final String REGISTRY_AUTHS = "query RegistryAuths { myself { containerRegistryCreds { id name } } }";
  static final String SAVE_REGISTRY_AUTH = "mutation SaveRegistryAuth($input: SaveRegistryAuthInput!) { "
      + "saveRegistryAuth(input: $input) { id name } }";
  static final String DELETE_REGISTRY_AUTH = "mutation DeleteRegistryAuth($registryAuthId: String!) { "
      + "deleteRegistryAuth(registryAuthId: $registryAuthId) }";
  static final String NETWORK_VOLUMES = "query NetworkVolumes { myself { networkVolumes { id name size dataCenterId } "
      + "} }";

  /** One pod as {@code myself { pods }} lists it. */
  record PodSummary(String id, String name, String desiredStatus) {}

  /** One container registry auth of the account (its credentials cannot be read back). */
  record RegistryAuth(String id, String name) {}

  /** One network volume of the account, and the data centre it lives in. */
  record NetworkVolume(String id, String name, String dataCenterId) {}

  private final RunPodHttp http;
  private final String url;

  RunPodGraphQl(RunPodHttp http, String url) {
    this.http = http;
    this.url = url;
  }

  /** The account's id: proves the key and the endpoint. */
  String myself() throws ProviderException {
    return execute("Myself", MYSELF, Json.MAPPER.createObjectNode(), "checking the API key")
        .path("myself").path("id").asText("");
  }

  /** The GPU catalogue: {@code gpuTypes}, one object per RunPod GPU type. */
  JsonNode gpuTypes() throws ProviderException {
    JsonNode types = execute("GpuTypes", GPU_TYPES, Json.MAPPER.createObjectNode(), "listing GPU types")
        .path("gpuTypes");
    if (!types.isArray()) {
      throw badShape("listing GPU types", "gpuTypes is not a list");
    }
    return types;
  }

  /** Every pod of the account that has the name {@code name}. */
  List<PodSummary> podsNamed(String name) throws ProviderException {
    JsonNode pods = myPods("MyPods", MY_PODS);
    List<PodSummary> named = new ArrayList<>();
    for (JsonNode pod : pods) {
      if (name.equals(pod.path("name").asText(null))) {
        named.add(new PodSummary(pod.path("id").asText(), name, pod.path("desiredStatus").asText(null)));
      }
    }
    named.sort(java.util.Comparator.comparing(PodSummary::id));
    return named;
  }

  /**
   * Every pod of the account named as a workload whose environment has {@code variable=value}: one call for all pods.
   * The environment is read only to match that entry; nothing else of it is kept.
   */
  List<PodSummary> podsOf(String variable, String value) throws ProviderException {
    JsonNode pods = myPods("MyPodsWithEnv", MY_PODS_WITH_ENV);
    String entry = variable + "=" + value;
    List<PodSummary> matching = new ArrayList<>();
    for (JsonNode pod : pods) {
      boolean tagged = false;
      for (JsonNode env : pod.path("env")) {
        tagged |= entry.equals(env.asText(null));
      }
      if (tagged) {
        matching.add(new PodSummary(pod.path("id").asText(), pod.path("name").asText(), pod.path("desiredStatus")
            .asText(null)));
      }
    }
    matching.sort(java.util.Comparator.comparing(PodSummary::id));
    return matching;
  }

  /** The values that live pods give the environment variable {@code variable}: one call for all pods. */
  java.util.Set<String> podEnvValues(String variable) throws ProviderException {
    JsonNode pods = myPods("MyPodsWithEnv", MY_PODS_WITH_ENV);
    java.util.Set<String> values = new java.util.TreeSet<>();
    for (JsonNode pod : pods) {
      for (JsonNode env : pod.path("env")) {
        String entry = env.asText("");
        if (entry.startsWith(variable + "=")) {
          values.add(entry.substring(variable.length() + 1));
        }
      }
    }
    return values;
  }

  /**
   * Every pod of the account, each with the fields {@link #pod} reads ({@link #POD_FIELDS}): one call for all pods,
   * which RunPod answers unpaged. A terminated pod is not among them.
   */
  List<JsonNode> podsObserved() throws ProviderException {
    List<JsonNode> pods = new ArrayList<>();
    myPods("MyPodsObserved", MY_PODS_OBSERVED).forEach(pods::add);
    return pods;
  }

  /** {@code myself.pods} as the query {@code document} asks for it. */
  private JsonNode myPods(String operationName, String document) throws ProviderException {
    JsonNode pods = execute(operationName, document, Json.MAPPER.createObjectNode(), "listing pods")
        .path("myself").path("pods");
    if (!pods.isArray()) {
      throw badShape("listing pods", "myself.pods is not a list");
    }
    return pods;
  }

  /** The pod, or empty when RunPod no longer knows it (terminated). */
  Optional<JsonNode> pod(String podId) throws ProviderException {
    ObjectNode variables = Json.MAPPER.createObjectNode().put("podId", podId);
    JsonNode pod = execute("Pod", POD, variables, "reading pod " + podId).path("pod");
    return pod.isObject() ? Optional.of(pod) : Optional.empty();
  }

  /** Deploys an on-demand pod; returns what RunPod answered ({@code id}, {@code costPerHr}, ...). */
  JsonNode deploy(ObjectNode input, String name) throws ProviderException {
    return createPod("PodFindAndDeployOnDemand", DEPLOY, "podFindAndDeployOnDemand", input, "deploying pod " + name);
  }

  /**
   * Rents an interruptible (spot) pod at {@code input.bidPerGpu}; returns what RunPod answered. RunPod takes such a
   * pod back when a higher bid or an on-demand rent needs its GPUs: it then shows {@code podType INTERRUPTABLE},
   * {@code desiredStatus EXITED}.
   */
  JsonNode rentInterruptable(ObjectNode input, String name) throws ProviderException {
    return createPod("PodRentInterruptable", RENT_INTERRUPTABLE, "podRentInterruptable", input,
        "renting spot pod " + name);
  }

  private JsonNode createPod(String operation, String document, String field, ObjectNode input, String what)
      throws ProviderException {
    ObjectNode variables = Json.MAPPER.createObjectNode();
    variables.set("input", input);
    JsonNode pod = execute(operation, document, variables, what).path(field);
    if (!pod.isObject() || pod.path("id").asText("").isEmpty()) {
      throw badShape(what, field + " has no pod id");
    }
    return pod;
  }

  /** Terminates the pod; a pod RunPod no longer knows counts as terminated. */
  void terminate(String podId) throws ProviderException {
    ObjectNode variables = Json.MAPPER.createObjectNode().put("podId", podId);
    executeUnlessGone("PodTerminate", TERMINATE, variables, "terminating pod " + podId);
  }

  /** Runs a mutation that removes something; an answer that it is not found counts as done. */
  private void executeUnlessGone(String operationName, String document, ObjectNode variables, String what)
      throws ProviderException {
    try {
      execute(operationName, document, variables, what);
    } catch (ProviderException e) {
      if (e.getMessage() == null || !e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("not found")) {
        throw e;
      }
    }
  }

  /** The account's container registry auths. */
  List<RegistryAuth> registryAuths() throws ProviderException {
    JsonNode creds = execute("RegistryAuths", REGISTRY_AUTHS, Json.MAPPER.createObjectNode(),
        "listing container registry auths").path("myself").path("containerRegistryCreds");
    List<RegistryAuth> auths = new ArrayList<>();
    for (JsonNode auth : creds) {
      auths.add(new RegistryAuth(auth.path("id").asText(), auth.path("name").asText("")));
    }
    return auths;
  }

  /** Saves a container registry auth; its id. The password travels as a variable, and only here. */
  String saveRegistryAuth(String name, String username, String password) throws ProviderException {
    ObjectNode variables = Json.MAPPER.createObjectNode();
    variables.putObject("input").put("name", name).put("username", username).put("password", password);
    JsonNode saved = execute("SaveRegistryAuth", SAVE_REGISTRY_AUTH, variables, "saving registry auth " + name)
        .path("saveRegistryAuth");
    if (saved.path("id").asText("").isEmpty()) {
      throw badShape("saving registry auth " + name, "saveRegistryAuth has no id");
    }
    return saved.path("id").asText();
  }

  /** Deletes a container registry auth; one RunPod no longer knows counts as deleted. */
  void deleteRegistryAuth(String id) throws ProviderException {
    ObjectNode variables = Json.MAPPER.createObjectNode().put("registryAuthId", id);
    executeUnlessGone("DeleteRegistryAuth", DELETE_REGISTRY_AUTH, variables, "deleting registry auth " + id);
  }

  /** The account's network volumes. */
  List<NetworkVolume> networkVolumes() throws ProviderException {
    JsonNode volumes = execute("NetworkVolumes", NETWORK_VOLUMES, Json.MAPPER.createObjectNode(),
        "listing network volumes").path("myself").path("networkVolumes");
    List<NetworkVolume> result = new ArrayList<>();
    for (JsonNode volume : volumes) {
      result.add(new NetworkVolume(volume.path("id").asText(), volume.path("name").asText(""),
          volume.path("dataCenterId").asText(null)));
    }
    return result;
  }

  /** Runs one operation and returns its {@code data}; {@code errors[]} become the exception of their kind. */
  private JsonNode execute(String operationName, String document, ObjectNode variables, String what)
      throws ProviderException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("operationName", operationName);
    body.put("query", document);
    body.set("variables", variables);
    RunPodHttp.Reply reply = http.post(url, body, what);
    if (!reply.ok()) {
      throw RunPodErrors.forStatus(reply.status(), reply.body(), what);
    }
    JsonNode json = RunPodHttp.parse(reply, what);
    ProviderException error = RunPodErrors.forGraphQlErrors(json.get("errors"), what);
    if (error != null) {
      throw error;
    }
    JsonNode data = json.path("data");
    if (!data.isObject()) {
      throw badShape(what, "the answer has neither data nor errors");
    }
    return data;
  }

  private static ProviderException.Transient badShape(String what, String problem) {
    return new ProviderException.Transient("RunPodBadResponse", "RunPod's answer to " + what + " is not what the "
        + "adapter expects: " + problem, null);
  }
}
