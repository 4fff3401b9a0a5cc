package io.gpucompute.provider.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for RunPod on the loopback interface that speaks the wire shapes of provider-apis.md section C: the
 * GraphQL pod API ({@code POST /graphql}), the pod-log stream ({@code GET /v2/pods/{id}/logs}, Server-Sent Events)
 * and serverless endpoints ({@code /v2/{endpointId}/run|status|cancel|health}).
 *
 * <p>It checks what the adapter sends: the {@code Authorization: Bearer} header (a wrong key gets HTTP 401, a missing
 * or malformed header is also a violation), no key in any URL, operation names and documents, variables and their
 * types, and no values spliced into GraphQL documents. Every check that fails is a {@link #violations() violation}
 * and answers HTTP 400; tests assert there are none.
 *
 * <p>It behaves like RunPod where the adapter depends on it: a deployed pod really runs its start command
 * ({@code dockerArgs}, split as a shell would) as a local process with the pod's env, its container comes up a
 * moment after the deploy ({@code runtime} is null until then), and when the container exits it is restarted, as
 * RunPod restarts pod containers. Success or failure is whatever the command that the adapter sent does. A serverless
 * request runs its input's {@code command}+{@code args} with its {@code env} as the worker's handler would.
 *
 * <p>The ledger keeps every pod and request ever made, terminated or not, for the tests' ground truth.
 */
public final class RunPodStub implements AutoCloseable {

  /** The one API key the stub accepts. */
  public static final String API_KEY = "rp-stub-key-6c1f0e9a";
  /** The serverless endpoint the stub has. */
  static final String ENDPOINT_ID = "ep-stub1";
  /**
   * An env variable that makes the stub refuse the deploy the way a GraphQL server refuses invalid variables: its
   * error message quotes the env it got, values included (as graphql-js does: {@code Variable "$input" got invalid
   * value [...] at "input.env"}).
   */
  static final String ECHO_ENV = "GPUCOMPUTE_STUB_ECHO_INPUT";
  static final String NO_CAPACITY_MESSAGE = "There are no longer any instances available with the requested "
      + "specifications. Please refresh and try again.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DEPLOY_FIELDS = Set.of("cloudType", "gpuCount", "gpuTypeId", "name", "imageName",
      "dockerArgs", "containerDiskInGb", "volumeInGb", "volumeMountPath", "minVcpuCount", "minMemoryInGb", "ports",
      "env", "startSsh", "supportPublicIp", "dataCenterId", "countryCode", "templateId", "networkVolumeId",
      "minDownload", "minUpload", "allowedCudaVersions", "containerRegistryAuthId");
  /** The network volume the stub's account has, and its data centre. */
  static final String NETWORK_VOLUME = "nv-stub-eu";
  static final String NETWORK_VOLUME_DATA_CENTER = "EU-RO-1";
  private static final Duration CONTAINER_START = Duration.ofMillis(100);
  private static final Duration LOG_FOLLOW = Duration.ofSeconds(2);

  /** One request the stub answered. */
  record Call(String route, String operationName, JsonNode variables, Instant at) {

    Call(String route, String operationName, JsonNode variables) {
      this(route, operationName, variables, Instant.now());
    }
  }

  /** A planned misbehaviour of the next request to a route. */
  record Fault(int status, String body, boolean hangs, boolean afterEffect) {
    /** Answer {@code status} with {@code body} instead of doing anything. */
    static Fault answer(int status, String body) {
      return new Fault(status, body, false, false);
    }

    /** Never answer (until the stub closes): the client times out. */
    static Fault never() {
      return new Fault(0, null, true, false);
    }

    /** Do what was asked, then answer {@code status}: the reply is lost, the effect is not. */
    static Fault lostReply(int status) {
      return new Fault(status, "{\"errors\":[{\"message\":\"upstream timed out\"}]}", false, true);
    }

    /**
     * Do what was asked, then hold the reply until {@link RunPodStub#releaseHeld} (or the stub closes): the caller
     * waits with the effect already made, for a test to kill it in between.
     */
    static Fault effectThenHold() {
      return new Fault(503, "{\"errors\":[{\"message\":\"held by the test\"}]}", true, true);
    }
  }

  /** One pod of the ledger. */
  final class Pod {
    final String id;
    final String name;
    final JsonNode input;
    final Map<String, String> env;
    final BigDecimal costPerHr;
    final List<StubProcess.Line> log = new ArrayList<>();
    final List<Integer> containerExits = new CopyOnWriteArrayList<>();
    final AtomicInteger containerStarts = new AtomicInteger();
    volatile String desiredStatus = "RUNNING";
    volatile StubProcess container;
    /** RESERVED for an on-demand pod, INTERRUPTABLE for one rented on spot capacity. */
    volatile String podType = "RESERVED";

    Pod(String id, String name, JsonNode input, Map<String, String> env, BigDecimal costPerHr) {
      this.id = id;
      this.name = name;
      this.input = input;
      this.env = env;
      this.costPerHr = costPerHr;
    }

    boolean live() {
      return !"TERMINATED".equals(desiredStatus);
    }

    boolean containerUp() {
      StubProcess c = container;
      return c != null && c.alive();
    }

    /** Nothing of the pod runs: terminated, and its container's process tree is gone. */
    boolean gone() {
      StubProcess c = container;
      return !live() && (c == null || c.treeDead());
    }

    List<String> logLines() {
      synchronized (log) {
        return log.stream().map(StubProcess.Line::text).toList();
      }
    }
  }

  /** One serverless request of the ledger. */
  final class Job {
    final String id;
    final JsonNode input;
    final Instant queuedAt = Instant.now();
    /** The worker's output; guarded by itself, as StubProcess writes it. */
    final List<StubProcess.Line> output = new ArrayList<>();
    volatile String status = "IN_QUEUE";
    volatile StubProcess worker;
    volatile Instant startedAt;
    volatile Instant endedAt;
    volatile Integer exitCode;

    Job(String id, JsonNode input) {
      this.id = id;
      this.input = input;
    }

    boolean live() {
      return status.equals("IN_QUEUE") || status.equals("IN_PROGRESS");
    }

    /** Whether the worker's process (or a child of it) still runs. */
    boolean workerAlive() {
      StubProcess w = worker;
      return w != null && !w.treeDead();
    }

    /** The workload name the request's input carries. */
    String workload() {
      return input.path("workload").asText("");
    }
  }

  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Pod> pods = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  /** The account's container registry auths by id: name, username, password. */
  private final Map<String, RegistryAuth> registryAuths = new ConcurrentHashMap<>();

  /** One container registry auth of the account. */
  record RegistryAuth(String id, String name, String username, String password) {}
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
  private final Set<String> noCapacity = ConcurrentHashMap.newKeySet();
  private final Set<String> noSpotCapacity = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile CountDownLatch held = new CountDownLatch(1);
  private final AtomicInteger holding = new AtomicInteger();
  /** While set, every request waits (a timeout) or answers 503, and does nothing: the provider is down. */
  private volatile Outage outage;

  /** How requests fail during an outage: each {@code hangEvery}-th one hangs until the outage ends, the rest 503. */
  record Outage(int hangEvery, CountDownLatch over, AtomicInteger seen) {}
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean logsAvailable = true;
  private volatile boolean logHeartbeats = true;

  private final String apiKey;

  RunPodStub() throws IOException {
    this(API_KEY);
  }

  /** A stub that accepts {@code apiKey} as its one API key. */
  RunPodStub(String apiKey) throws IOException {
    this.apiKey = apiKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handlers = Executors.newCachedThreadPool(daemon("runpod-stub-http"));
    scheduler = Executors.newScheduledThreadPool(2, daemon("runpod-stub-host"));
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The base URL, for a ProviderConfig's spec.endpoint. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  // ----- what tests arrange and read ------------------------------------------------------------------------------

  /** The next request to {@code route} ("graphql:OperationName", "logs", "serverless:run", ...) misbehaves. */
  void fault(String route, Fault fault) {
    faults.computeIfAbsent(route, r -> new ArrayDeque<>()).add(fault);
  }

  /** Answers the requests held by {@link Fault#effectThenHold} (with the fault's status). */
  void releaseHeld() {
    CountDownLatch latch = held;
    held = new CountDownLatch(1);
    latch.countDown();
  }

  /** How many requests are held now. */
  int holding() {
    return holding.get();
  }

  /**
   * Takes the provider down: every request (GraphQL, logs, serverless) answers 503, and every {@code hangEvery}-th
   * one hangs until {@link #endOutage} (a timeout at the caller), without doing anything.
   */
  void startOutage(int hangEvery) {
    outage = new Outage(hangEvery, new CountDownLatch(1), new AtomicInteger());
  }

  /** Brings the provider back; requests that hung answer 503. */
  void endOutage() {
    Outage current = outage;
    outage = null;
    if (current != null) {
      current.over().countDown();
    }
  }

  /** Deploys of {@code gpuTypeId} fail for lack of capacity while set. */
  /** Whether interruptible (spot) pods of the type can be rented; on-demand capacity is unchanged. */
  void setSpotCapacity(String gpuTypeId, boolean available) {
    if (available) {
      noSpotCapacity.remove(gpuTypeId);
    } else {
      noSpotCapacity.add(gpuTypeId);
    }
  }

  void setCapacity(String gpuTypeId, boolean available) {
    if (available) {
      noCapacity.remove(gpuTypeId);
    } else {
      noCapacity.add(gpuTypeId);
    }
  }

  /**
   * Puts a pod named {@code name} (one A100 on the secure cloud) into the ledger as if it had been deployed, whose
   * host is still pulling the image: RUNNING at RunPod, its container not started ({@code runtime} null), so it runs
   * no process. For tests that need many pods and none of their work.
   */
  Pod addPulling(String name) {
    ObjectNode input = JSON.createObjectNode().put("name", name).put("gpuTypeId", "NVIDIA A100 80GB PCIe")
        .put("gpuCount", 1).put("cloudType", "SECURE");
    String id = String.format("stubpod%06d", ids.incrementAndGet());
    Pod pod = new Pod(id, name, input, Map.of("RUNPOD_POD_ID", id), new BigDecimal("1.64"));
    pods.put(id, pod);
    return pod;
  }

  /** Terminates a pod as someone would in RunPod's console. */
  void terminateOutside(Pod pod) {
    terminate(pod);
  }

  /** Whether the pod-log API exists (404 for every pod when not). */
  void setLogsAvailable(boolean available) {
    logsAvailable = available;
  }

  /** Whether the log stream sends keep-alive comments while the pod is silent (it stays open either way). */
  void setLogHeartbeats(boolean heartbeats) {
    logHeartbeats = heartbeats;
  }

  /** Every pod ever deployed with {@code name}, terminated or not. */
  List<Pod> podsNamed(String name) {
    synchronized (pods) {
      return pods.values().stream().filter(p -> p.name.equals(name)).toList();
    }
  }

  /** The pods not terminated. */
  List<Pod> livePods() {
    synchronized (pods) {
      return pods.values().stream().filter(Pod::live).toList();
    }
  }

  List<Pod> allPods() {
    synchronized (pods) {
      return List.copyOf(pods.values());
    }
  }

  Job job(String id) {
    return jobs.get(id);
  }

  /** The account's container registry auths now. */
  List<RegistryAuth> registryAuths() {
    return List.copyOf(registryAuths.values());
  }

  /** The registry auth with {@code id}, or null. */
  RegistryAuth registryAuth(String id) {
    return id == null ? null : registryAuths.get(id);
  }

  /** Every request whose input names workload {@code workloadName}, in the order they came. */
  List<Job> requestsFor(String workloadName) {
    return jobs.values().stream().filter(j -> workloadName.equals(j.workload()))
        .sorted(java.util.Comparator.comparing(j -> j.queuedAt)).toList();
  }

  /** Requests not finished. */
  List<Job> liveJobs() {
    return jobs.values().stream().filter(Job::live).toList();
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The GraphQL operations answered, in order. */
  List<String> operations() {
    return calls.stream().filter(c -> c.route().equals("graphql")).map(Call::operationName).toList();
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Kills a pod's container as a crash would; RunPod (and so the stub) restarts it. */
  void crashContainer(Pod pod) {
    killContainer(pod);
  }

  /** Reclaims an interruptible pod as RunPod does when it takes the GPUs back: EXITED, container gone. */
  void reclaim(Pod pod) {
    if (!pod.podType.equals("INTERRUPTABLE")) {
      throw new IllegalStateException("pod " + pod.id + " is not interruptible: RunPod does not reclaim it");
    }
    synchronized (pod) {
      pod.desiredStatus = "EXITED";
      killContainer(pod);
    }
  }

  /** Stops a pod as someone would in RunPod's console: EXITED, container gone, no restart. */
  void stopOutside(Pod pod) {
    synchronized (pod) {
      pod.desiredStatus = "EXITED";
      killContainer(pod);
    }
  }

  /**
   * Deletes the run-once markers the pods' wrapper left on this host (pods here are local processes), for a wrapper
   * given a marker directory outside a test's own temporary directory.
   */
  private void deleteMarkers() {
    java.util.regex.Pattern markerLine = java.util.regex.Pattern.compile("^d='([^']+)'$", java.util.regex.Pattern.MULTILINE);
    for (Pod pod : allPods()) {
      java.util.regex.Matcher m = markerLine.matcher(pod.env.getOrDefault("GPUCOMPUTE_RUN", ""));
      if (m.find()) {
        java.nio.file.Path marker = java.nio.file.Path.of(m.group(1));
        try (var files = java.nio.file.Files.walk(marker)) {
          for (java.nio.file.Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            java.nio.file.Files.deleteIfExists(file);
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // never made, or deleted already
        } catch (IOException e) {
          violation("could not delete the markers in " + marker + ": " + e);
        }
      }
    }
  }

  /**
   * Kills every process and stops serving; the ledger stays readable. A container or worker that is being started
   * meanwhile either sees {@code closing} and does not start, or has started (under its pod's or request's lock) and
   * is killed here.
   */
  @Override
  public void close() {
    closing.countDown();
    held.countDown();
    endOutage();
    server.stop(0);
    allPods().forEach(p -> {
      synchronized (p) {
        killContainer(p);
      }
    });
    jobs.values().forEach(j -> {
      synchronized (j) {
        StubProcess w = j.worker;
        if (w != null) {
          w.kill();
        }
      }
    });
    scheduler.shutdownNow();
    handlers.shutdownNow();
    deleteMarkers();
  }

  private static void killContainer(Pod pod) {
    StubProcess c = pod.container;
    if (c != null) {
      c.kill();
    }
  }

  // ----- HTTP ----------------------------------------------------------------------------------------------------

  /** Answers a request while the provider is down: 503, or a wait until the outage ends and then 503. */
  private void down(HttpExchange exchange, Outage current) throws IOException {
    if (current.hangEvery() > 0 && current.seen().incrementAndGet() % current.hangEvery() == 0) {
      try {
        current.over().await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    send(exchange, 503, "{\"errors\":[{\"message\":\"upstream connect error: service unavailable\"}]}");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null && (query.contains("api_key") || query.contains(apiKey))) {
        violation("the API key travelled in a URL: " + exchange.getRequestURI().getPath());
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= "Bearer ".length()) {
        violation("no 'Authorization: Bearer <key>' header on " + exchange.getRequestMethod() + " "
            + exchange.getRequestURI().getPath());
        send(exchange, 401, "{\"errors\":[{\"message\":\"Unauthorized\"}]}");
        return;
      }
      if (!auth.equals("Bearer " + apiKey)) {
        send(exchange, 401, "{\"errors\":[{\"message\":\"Unauthorized\"}]}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (outage != null) {
        calls.add(new Call("outage", path, JSON.createObjectNode()));
        down(exchange, outage);
        return;
      }
      if (path.equals("/graphql")) {
        graphql(exchange);
      } else if (path.startsWith("/v2/pods/") && path.endsWith("/logs")) {
        logs(exchange, path.substring("/v2/pods/".length(), path.length() - "/logs".length()));
      } else if (path.startsWith("/v2/")) {
        serverless(exchange, path.substring("/v2/".length()).split("/"));
      } else {
        violation("unknown path " + path);
        send(exchange, 404, "{\"error\":\"not found\"}");
      }
    } catch (RuntimeException e) {
      violation("the stub failed on " + exchange.getRequestURI() + ": " + e);
      try {
        send(exchange, 500, "{\"error\":\"stub failure\"}");
      } catch (IOException | RuntimeException ignored) {
        // the answer may have started already
      }
    }
  }

  /** Applies a planned fault of {@code route}; returns the fault when it replaced the answer. */
  /** Holds the calling request until {@link #releaseHeld} or the stub closes. */
  private void awaitRelease() {
    CountDownLatch latch = held;
    holding.incrementAndGet();
    try {
      latch.await(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      holding.decrementAndGet();
    }
  }

  private Fault takeFault(String route) {
    Deque<Fault> planned = faults.get(route);
    return planned == null ? null : planned.poll();
  }

  private boolean answerFault(HttpExchange exchange, Fault fault) throws IOException {
    if (fault == null || fault.afterEffect()) {
      return false;
    }
    if (fault.hangs()) {
      try {
        closing.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }
    send(exchange, fault.status(), fault.body());
    return true;
  }

  private void graphql(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      violation("GraphQL over " + exchange.getRequestMethod());
      send(exchange, 405, "");
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      violation("GraphQL request with Content-Type " + contentType);
    }
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    String operation = body.path("operationName").asText("");
    String document = body.path("query").asText("");
    JsonNode variables = body.path("variables");
    calls.add(new Call("graphql", operation, variables));
    if (operation.isEmpty() || document.isEmpty() || !variables.isObject()) {
      bad(exchange, "a GraphQL request needs operationName, query and a variables object: " + body.fieldNames());
      return;
    }
    Fault fault = takeFault("graphql:" + operation);
    if (answerFault(exchange, fault)) {
      return;
    }
    ObjectNode data = JSON.createObjectNode();
    ArrayNode errors = JSON.createArrayNode();
    switch (operation) {
      case "Myself" -> {
        expectDocument(document, "query Myself {", "myself { id }");
        data.putObject("myself").put("id", "user-stub");
      }
      case "GpuTypes" -> {
        expectDocument(document, "query GpuTypes {", "gpuTypes {", "securePrice", "communityPrice");
        data.set("gpuTypes", catalogue());
      }
      case "MyPods" -> {
        expectDocument(document, "query MyPods {", "myself { pods {", "id", "name", "desiredStatus");
        ArrayNode list = data.putObject("myself").putArray("pods");
        livePods().forEach(p -> list.addObject().put("id", p.id).put("name", p.name).put("desiredStatus", p.desiredStatus));
      }
      case "MyPodsWithEnv" -> {
        expectDocument(document, "query MyPodsWithEnv {", "myself { pods {", "id", "name", "desiredStatus", "env");
        ArrayNode list = data.putObject("myself").putArray("pods");
        for (Pod p : livePods()) {
          ArrayNode env = list.addObject().put("id", p.id).put("name", p.name).put("desiredStatus", p.desiredStatus)
              .putArray("env");
          p.env.forEach((k, v) -> env.add(k + "=" + v));
        }
      }
      case "MyPodsObserved" -> {
        expectDocument(document, "query MyPodsObserved {", "myself { pods {", "desiredStatus", "podType", "runtime");
        ArrayNode list = data.putObject("myself").putArray("pods");
        livePods().forEach(p -> list.add(podJson(p)));
      }
      case "Pod" -> {
        expectDocument(document, "query Pod($podId: String!)", "pod(input: {podId: $podId})", "desiredStatus",
            "runtime");
        Pod pod = pods.get(requireString(variables, "podId"));
        data.set("pod", pod == null || !pod.live() ? NullNode.getInstance() : podJson(pod));
      }
      case "PodFindAndDeployOnDemand" -> {
        expectDocument(document, "mutation PodFindAndDeployOnDemand($input: PodFindAndDeployOnDemandInput!)",
            "podFindAndDeployOnDemand(input: $input)", "id", "costPerHr");
        deploy(variables.path("input"), document, data, errors);
      }
      case "PodRentInterruptable" -> {
        expectDocument(document, "mutation PodRentInterruptable($input: PodRentInterruptableInput!)",
            "podRentInterruptable(input: $input)", "id", "costPerHr");
        rentInterruptable(variables.path("input"), document, data, errors);
      }
      case "RegistryAuths" -> {
        expectDocument(document, "query RegistryAuths {", "myself { containerRegistryCreds {", "id", "name");
        ArrayNode list = data.putObject("myself").putArray("containerRegistryCreds");
        registryAuths.values().forEach(a -> list.addObject().put("id", a.id()).put("name", a.name()));
      }
      case "SaveRegistryAuth" -> {
        expectDocument(document, "mutation SaveRegistryAuth($input: SaveRegistryAuthInput!)",
            "saveRegistryAuth(input: $input)");
        JsonNode input = variables.path("input");
        String name = requireString(input, "name");
        if (document.contains(requireString(input, "password"))) {
          violation("a registry password was spliced into the GraphQL document");
        }
        if (registryAuths.values().stream().anyMatch(a -> a.name().equals(name))) {
          errors.addObject().put("message", "Registry auth with name " + name + " already exists");
          data.putNull("saveRegistryAuth");
        } else {
          RegistryAuth auth = new RegistryAuth("ra-" + ids.incrementAndGet(), name, requireString(input, "username"),
              requireString(input, "password"));
          registryAuths.put(auth.id(), auth);
          data.putObject("saveRegistryAuth").put("id", auth.id()).put("name", name);
        }
      }
      case "DeleteRegistryAuth" -> {
        expectDocument(document, "mutation DeleteRegistryAuth($registryAuthId: String!)",
            "deleteRegistryAuth(registryAuthId: $registryAuthId)");
        String id = requireString(variables, "registryAuthId");
        boolean inUse = livePods().stream().anyMatch(p -> id.equals(p.input.path("containerRegistryAuthId").asText(null)));
        if (inUse) {
          violation("registry auth " + id + " was deleted while a live pod uses it");
        }
        if (registryAuths.remove(id) == null) {
          errors.addObject().put("message", "Registry auth not found");
        }
        data.putNull("deleteRegistryAuth");
      }
      case "NetworkVolumes" -> {
        expectDocument(document, "query NetworkVolumes {", "myself { networkVolumes {", "id", "dataCenterId");
        data.putObject("myself").putArray("networkVolumes").addObject().put("id", NETWORK_VOLUME)
            .put("name", "datasets").put("size", 100).put("dataCenterId", NETWORK_VOLUME_DATA_CENTER);
      }
      case "PodTerminate" -> {
        expectDocument(document, "mutation PodTerminate($podId: String!)", "podTerminate(input: {podId: $podId})");
        Pod pod = pods.get(requireString(variables, "podId"));
        if (pod == null || !pod.live()) {
          errors.addObject().put("message", "Pod not found").putArray("path").add("podTerminate");
          data.putNull("podTerminate");
        } else {
          terminate(pod);
          data.putNull("podTerminate");
        }
      }
      default -> {
        bad(exchange, "unknown operation " + operation);
        return;
      }
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.set("data", data);
    if (!errors.isEmpty()) {
      answer.set("errors", errors);
    }
    if (fault != null) {
      if (fault.hangs()) {
        awaitRelease();
      }
      send(exchange, fault.status(), fault.body());
      return;
    }
    send(exchange, 200, answer.toString());
  }

  /** An interruptible pod: the deploy's fields plus bidPerGpu, which must reach the catalogue's spot price. */
  private void rentInterruptable(JsonNode input, String document, ObjectNode data, ArrayNode errors) {
    if (!input.path("bidPerGpu").isNumber()) {
      violation("podRentInterruptable without a numeric bidPerGpu");
      return;
    }
    place(input, document, data, errors, "podRentInterruptable", input.get("bidPerGpu").decimalValue());
  }

  private void deploy(JsonNode input, String document, ObjectNode data, ArrayNode errors) {
    place(input, document, data, errors, "podFindAndDeployOnDemand", null);
  }

  /** Places an on-demand pod, or an interruptible one at {@code bid} per GPU-hour. */
  private void place(JsonNode input, String document, ObjectNode data, ArrayNode errors, String mutation,
      BigDecimal bid) {
    if (!input.isObject()) {
      violation(mutation + " without an input object");
      return;
    }
    input.fieldNames().forEachRemaining(field -> {
      if (!DEPLOY_FIELDS.contains(field) && !(bid != null && field.equals("bidPerGpu"))) {
        violation(mutation + "'s input has no field " + field);
      }
    });
    String name = requireString(input, "name");
    String image = requireString(input, "imageName");
    String gpuTypeId = requireString(input, "gpuTypeId");
    String cloudType = requireString(input, "cloudType");
    String dockerArgs = requireString(input, "dockerArgs");
    int gpuCount = requireInt(input, "gpuCount", 1);
    requireInt(input, "containerDiskInGb", 1);
    int volume = requireInt(input, "volumeInGb", 0);
    if (volume > 0 && !input.path("volumeMountPath").isTextual()) {
      violation("a volume without volumeMountPath");
    }
    if (!Set.of("SECURE", "COMMUNITY", "ALL").contains(cloudType)) {
      violation("cloudType " + cloudType + " is not SECURE, COMMUNITY or ALL");
    }
    if (!name.matches("gpujob-[a-z0-9-]+")) {
      violation("pod name " + name + " is not a workload name");
    }
    for (String value : List.of(name, image, dockerArgs)) {
      if (document.contains(value)) {
        violation("a value was spliced into the GraphQL document: " + value);
      }
    }
    String authId = input.path("containerRegistryAuthId").asText(null);
    if (authId != null && !registryAuths.containsKey(authId)) {
      errors.addObject().put("message", "Container registry auth " + authId + " not found");
      data.putNull("podFindAndDeployOnDemand");
      return;
    }
    String networkVolume = input.path("networkVolumeId").asText(null);
    if (networkVolume != null) {
      if (!networkVolume.equals(NETWORK_VOLUME)) {
        errors.addObject().put("message", "Network volume " + networkVolume + " not found");
        data.putNull("podFindAndDeployOnDemand");
        return;
      }
      if (!NETWORK_VOLUME_DATA_CENTER.equals(input.path("dataCenterId").asText(null))) {
        violation("a pod with network volume " + networkVolume + " outside its data centre "
            + NETWORK_VOLUME_DATA_CENTER + ": " + input.path("dataCenterId"));
      }
      if (!input.path("volumeMountPath").isTextual()) {
        violation("a network volume without volumeMountPath");
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode list = input.path("env");
    if (!list.isArray()) {
      violation("env is not a list of {key, value}");
    }
    for (JsonNode variable : list) {
      if (!variable.path("key").isTextual() || !variable.path("value").isTextual() || variable.size() != 2) {
        violation("env entry " + variable + " is not {key, value}");
        continue;
      }
      env.put(variable.get("key").asText(), variable.get("value").asText());
    }
    if (env.size() > 50) {
      violation("more than 50 env variables");
    }
    if (env.containsKey(ECHO_ENV)) {
      errors.addObject().put("message", "Variable \"$input\" got invalid value " + input.path("env")
          + " at \"input.env\"; Field \"" + ECHO_ENV + "\" is not allowed.").putObject("extensions")
          .put("code", "BAD_USER_INPUT");
      data.putNull("podFindAndDeployOnDemand");
      return;
    }
    JsonNode type = null;
    for (JsonNode candidate : catalogue()) {
      if (candidate.path("id").asText().equals(gpuTypeId)) {
        type = candidate;
      }
    }
    if (type == null) {
      errors.addObject().put("message", "Invalid gpuTypeId: " + gpuTypeId);
      data.putNull(mutation);
      return;
    }
    if (noCapacity.contains(gpuTypeId) || (bid != null && noSpotCapacity.contains(gpuTypeId))) {
      errors.addObject().put("message", NO_CAPACITY_MESSAGE).putArray("path").add(mutation);
      data.putNull(mutation);
      return;
    }
    BigDecimal perGpu = cloudType.equals("COMMUNITY") ? type.get("communityPrice").decimalValue()
        : type.get("securePrice").decimalValue();
    if (bid != null) {
      BigDecimal spot = cloudType.equals("COMMUNITY") ? type.get("communitySpotPrice").decimalValue()
          : type.get("secureSpotPrice").decimalValue();
      if (bid.compareTo(spot) < 0) {
        errors.addObject().put("message", "Your bid of " + bid + " is below the minimum bid of " + spot)
            .putArray("path").add(mutation);
        data.putNull(mutation);
        return;
      }
      perGpu = bid;
    }
    String id = String.format("stubpod%06d", ids.incrementAndGet());
    Map<String, String> containerEnv = new LinkedHashMap<>(env);
    containerEnv.put("RUNPOD_POD_ID", id);
    Pod pod = new Pod(id, name, input, containerEnv, perGpu.multiply(BigDecimal.valueOf(gpuCount)));
    if (bid != null) {
      pod.podType = "INTERRUPTABLE";
    }
    pods.put(id, pod);
    scheduler.schedule(() -> startContainer(pod, dockerArgs), CONTAINER_START.toMillis(), TimeUnit.MILLISECONDS);
    data.putObject(mutation).put("id", id).put("name", name).put("desiredStatus", "RUNNING")
        .put("costPerHr", pod.costPerHr).put("machineId", "stub-machine");
  }

  /** Starts the pod's container unless the pod was stopped or the stub closes meanwhile (checked under its lock). */
  private void startContainer(Pod pod, String dockerArgs) {
    synchronized (pod) {
      if (!pod.desiredStatus.equals("RUNNING") || closing.getCount() == 0) {
        return;
      }
      try {
        pod.containerStarts.incrementAndGet();
        pod.container = StubProcess.start(StubProcess.split(dockerArgs), pod.env, pod.log,
            code -> containerExited(pod, dockerArgs, code));
      } catch (IOException | RuntimeException e) {
        violation("pod " + pod.id + "'s start command cannot start: " + e);
      }
    }
  }

  /** RunPod restarts a pod's container when it exits; so does the stub, a little slower each time. */
  private void containerExited(Pod pod, String dockerArgs, int code) {
    pod.containerExits.add(code);
    if (pod.desiredStatus.equals("RUNNING") && closing.getCount() > 0) {
      long delay = Math.min(50L * pod.containerExits.size(), 500L);
      try {
        scheduler.schedule(() -> startContainer(pod, dockerArgs), delay, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void terminate(Pod pod) {
    synchronized (pod) {
      pod.desiredStatus = "TERMINATED";
      killContainer(pod);
    }
  }

  private ObjectNode podJson(Pod pod) {
    ObjectNode json = JSON.createObjectNode().put("id", pod.id).put("name", pod.name)
        .put("desiredStatus", pod.desiredStatus).put("podType", pod.podType).put("costPerHr", pod.costPerHr)
        .put("gpuCount", pod.input.path("gpuCount").asInt()).put("lastStatusChange", "Rented by User: stub");
    json.putObject("machine").put("gpuDisplayName", displayName(pod.input.path("gpuTypeId").asText()));
    if (pod.containerUp() && pod.desiredStatus.equals("RUNNING")) {
      json.putObject("runtime").put("uptimeInSeconds", 1);
    } else {
      json.putNull("runtime");
    }
    return json;
  }

  private String displayName(String gpuTypeId) {
    for (JsonNode type : catalogue()) {
      if (type.path("id").asText().equals(gpuTypeId)) {
        return type.path("displayName").asText();
      }
    }
    return gpuTypeId;
  }

  /** The stub's GPU catalogue, in the shape of {@code gpuTypes}. */
  static ArrayNode catalogue() {
    ArrayNode types = JSON.createArrayNode();
    type(types, "NVIDIA A100 80GB PCIe", "A100 PCIe", 80, true, true, "1.64", "1.19");
    type(types, "NVIDIA H100 80GB HBM3", "H100 SXM", 80, true, true, "2.99", "2.69");
    type(types, "NVIDIA GeForce RTX 4090", "RTX 4090", 24, true, true, "0.69", "0.34");
    type(types, "NVIDIA L4", "L4", 24, true, false, "0.43", null);
    type(types, "NVIDIA RTX A4000", "RTX A4000", 16, true, true, "0.40", "0.32");
    type(types, "NVIDIA GeForce RTX 3070", "RTX 3070", 8, false, true, null, "0.13");
    return types;
  }

  private static void type(ArrayNode types, String id, String display, int memory, boolean secure, boolean community,
      String securePrice, String communityPrice) {
    ObjectNode type = types.addObject().put("id", id).put("displayName", display).put("memoryInGb", memory)
        .put("secureCloud", secure).put("communityCloud", community);
    if (securePrice == null) {
      type.putNull("securePrice");
    } else {
      type.put("securePrice", new BigDecimal(securePrice));
    }
    if (communityPrice == null) {
      type.putNull("communityPrice");
    } else {
      type.put("communityPrice", new BigDecimal(communityPrice));
    }
    // Spot (interruptible) capacity at half the on-demand price, as RunPod's catalogue roughly has it.
    type.set("secureSpotPrice", securePrice == null ? type.nullNode()
        : type.numberNode(new BigDecimal(securePrice).divide(BigDecimal.valueOf(2))));
    type.set("communitySpotPrice", communityPrice == null ? type.nullNode()
        : type.numberNode(new BigDecimal(communityPrice).divide(BigDecimal.valueOf(2))));
  }

  // ----- pod logs (Server-Sent Events) ---------------------------------------------------------------------------

  private void logs(HttpExchange exchange, String podId) throws IOException {
    calls.add(new Call("logs", podId, JSON.createObjectNode()));
    Map<String, String> query = query(exchange);
    if (!"container".equals(query.get("source"))) {
      violation("pod logs asked for source=" + query.get("source") + ", not container");
    }
    int tail = 100;
    try {
      tail = Integer.parseInt(query.getOrDefault("tail", "100"));
    } catch (NumberFormatException e) {
      violation("tail=" + query.get("tail") + " is not a number");
    }
    if (tail < 0 || tail > 5000) {
      violation("tail=" + tail + " is outside 0..5000");
    }
    if (!"text/event-stream".equals(exchange.getRequestHeaders().getFirst("Accept"))) {
      violation("pod logs without Accept: text/event-stream");
    }
    if (answerFault(exchange, takeFault("logs"))) {
      return;
    }
    Pod pod = pods.get(podId);
    if (!logsAvailable || pod == null) {
      send(exchange, 404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"pod not found\"}");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    List<StubProcess.Line> backlog;
    synchronized (pod.log) {
      backlog = List.copyOf(pod.log.subList(Math.max(0, pod.log.size() - tail), pod.log.size()));
    }
    int sent;
    synchronized (pod.log) {
      sent = pod.log.size();
    }
    try {
      for (StubProcess.Line line : backlog) {
        event(out, line);
      }
      out.flush();
      // Follow the pod, with heartbeats, until the client goes, the pod ends or the stub's patience does.
      long end = System.nanoTime() + LOG_FOLLOW.toNanos();
      while (System.nanoTime() < end && pod.live() && closing.getCount() > 0) {
        if (closing.await(100, TimeUnit.MILLISECONDS)) {
          break;
        }
        List<StubProcess.Line> fresh;
        synchronized (pod.log) {
          fresh = List.copyOf(pod.log.subList(sent, pod.log.size()));
          sent = pod.log.size();
        }
        for (StubProcess.Line line : fresh) {
          event(out, line);
        }
        if (logHeartbeats) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
      }
    } catch (IOException e) {
      // the client has read enough and gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void event(OutputStream out, StubProcess.Line line) throws IOException {
    ObjectNode data = JSON.createObjectNode().put("ts", line.ts().toString()).put("source", "container")
        .put("line", line.text());
    out.write(("id: " + line.ts() + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  // ----- serverless ----------------------------------------------------------------------------------------------

  private void serverless(HttpExchange exchange, String[] parts) throws IOException {
    String endpoint = parts[0];
    String operation = parts.length > 1 ? parts[1] : "";
    String method = exchange.getRequestMethod();
    JsonNode body = method.equals("POST") ? readJson(exchange) : JSON.createObjectNode();
    calls.add(new Call("serverless", operation, body));
    Fault fault = takeFault("serverless:" + operation);
    if (answerFault(exchange, fault)) {
      return;
    }
    if (fault != null && operation.equals("run") && method.equals("POST")) {
      // The request is queued, and its answer lost.
      enqueue(body.path("input"));
      send(exchange, fault.status(), fault.body());
      return;
    }
    if (!endpoint.equals(ENDPOINT_ID)) {
      send(exchange, 404, "{\"error\":\"endpoint not found\"}");
      return;
    }
    switch (operation + ":" + method) {
      case "run:POST" -> run(exchange, body);
      case "status:GET" -> status(exchange, parts.length > 2 ? jobs.get(parts[2]) : null);
      case "cancel:POST" -> cancelJob(exchange, parts.length > 2 ? jobs.get(parts[2]) : null);
      case "health:GET" -> send(exchange, 200, JSON.createObjectNode().<ObjectNode>set("workers",
          JSON.createObjectNode().put("idle", 1).put("running", liveJobs().size())).toString());
      default -> {
        violation("unknown serverless call " + method + " " + String.join("/", parts));
        send(exchange, 404, "{\"error\":\"not found\"}");
      }
    }
  }

  private void run(HttpExchange exchange, JsonNode body) throws IOException {
    JsonNode input = body.path("input");
    if (!input.isObject()) {
      violation("/run without an input object");
      send(exchange, 400, "{\"error\":\"input is required\"}");
      return;
    }
    Job job = enqueue(input);
    send(exchange, 200, JSON.createObjectNode().put("id", job.id).put("status", job.status).toString());
  }

  private Job enqueue(JsonNode input) {
    Job job = new Job("job-" + ids.incrementAndGet(), input);
    jobs.put(job.id, job);
    scheduler.schedule(() -> work(job), CONTAINER_START.toMillis(), TimeUnit.MILLISECONDS);
    return job;
  }

  /** The endpoint's worker: runs the input's command with its env, as a handler that shells out would. */
  private void work(Job job) {
    synchronized (job) {
      if (job.status.equals("IN_QUEUE") && closing.getCount() > 0) {
        startWorker(job);
      }
    }
  }

  private void startWorker(Job job) {
    List<String> argv = new ArrayList<>();
    job.input.path("command").forEach(a -> argv.add(a.asText()));
    job.input.path("args").forEach(a -> argv.add(a.asText()));
    Map<String, String> env = new HashMap<>();
    job.input.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    job.startedAt = Instant.now();
    job.status = "IN_PROGRESS";
    try {
      job.worker = StubProcess.start(argv, env, job.output, code -> {
        job.exitCode = code;
        job.endedAt = Instant.now();
        if (job.status.equals("IN_PROGRESS")) {
          job.status = code == 0 ? "COMPLETED" : "FAILED";
        }
      });
    } catch (IOException | RuntimeException e) {
      job.status = "FAILED";
      job.endedAt = Instant.now();
    }
  }

  private void status(HttpExchange exchange, Job job) throws IOException {
    if (job == null) {
      send(exchange, 404, "{\"error\":\"request does not exist\"}");
      return;
    }
    ObjectNode answer = JSON.createObjectNode().put("id", job.id).put("status", job.status);
    if (job.startedAt != null) {
      answer.put("delayTime", Duration.between(job.queuedAt, job.startedAt).toMillis());
    }
    if (job.endedAt != null) {
      answer.put("executionTime", Duration.between(job.startedAt, job.endedAt).toMillis());
    }
    String stdout;
    synchronized (job.output) { // StubProcess appends under this lock while the worker runs
      stdout = String.join("\n", job.output.stream().map(StubProcess.Line::text).toList());
    }
    if (job.status.equals("COMPLETED")) {
      answer.putObject("output").put("exitCode", job.exitCode).put("stdout", stdout);
    } else if (job.status.equals("FAILED")) {
      answer.put("error", JSON.createObjectNode().put("error_type", "CommandFailed")
          .put("error_message", "the command exited with code " + job.exitCode + ": " + stdout)
          .put("hostname", "stub-worker").toString());
    }
    send(exchange, 200, answer.toString());
  }

  private void cancelJob(HttpExchange exchange, Job job) throws IOException {
    if (job == null) {
      send(exchange, 404, "{\"error\":\"request does not exist\"}");
      return;
    }
    synchronized (job) {
      if (job.live()) {
        job.status = "CANCELLED";
        StubProcess worker = job.worker;
        if (worker != null) {
          worker.kill();
        }
      }
    }
    send(exchange, 200, JSON.createObjectNode().put("id", job.id).put("status", job.status).toString());
  }

  // ----- helpers ---------------------------------------------------------------------------------------------------

  private void expectDocument(String document, String... parts) {
    for (String part : parts) {
      if (!document.contains(part)) {
        violation("the GraphQL document lacks '" + part + "': " + document);
      }
    }
  }

  private String requireString(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isEmpty()) {
      violation(field + " is not a non-empty string: " + value);
      return "";
    }
    return value.asText();
  }

  private int requireInt(JsonNode node, String field, int least) {
    JsonNode value = node.path(field);
    if (!value.isInt() || value.asInt() < least) {
      violation(field + " is not an integer of at least " + least + ": " + value);
      return least;
    }
    return value.asInt();
  }

  private JsonNode readJson(HttpExchange exchange) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      violation("POST " + exchange.getRequestURI().getPath() + " with Content-Type " + contentType);
    }
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    return body == null ? JSON.createObjectNode() : body;
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> values = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        values.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private void violation(String what) {
    violations.add(what);
  }

  private void bad(HttpExchange exchange, String what) throws IOException {
    violation(what);
    send(exchange, 400, JSON.createObjectNode().set("errors", JSON.createArrayNode().add(JSON.createObjectNode()
        .put("message", "stub: " + what).<ObjectNode>set("extensions", JSON.createObjectNode()
            .put("code", "GRAPHQL_VALIDATION_FAILED")))).toString());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }
}
