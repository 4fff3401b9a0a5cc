package io.gpucompute.provider.alibaba;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gpucompute.testprocess.ProcessGroups;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the ECS RPC API (Version 2014-05-26) on 127.0.0.1, for the AlibabaECS adapter's tests, speaking the
 * protocol of provider-apis.md section A:
 *
 * <ul>
 *   <li>every request must carry the common parameters and a valid HMAC-SHA1 signature (V1) of a known key pair,
 *       else it gets Alibaba's error body: InvalidAccessKeyId.NotFound (404), SignatureDoesNotMatch (400)...;
 *   <li>answers are JSON with Alibaba's wrapped lists ({@code "Instances":{"Instance":[...]}}) and errors are
 *       {@code {RequestId, HostId, Code, Message, Recommend}} with the HTTP status of the code;
 *   <li>a ledger of instances: RunInstances honours ClientToken (same token, same parameters: the same instance;
 *       other parameters: IdempotentParameterMismatch), and an instance "boots" by running its UserData with bash as a
 *       real local process in its own process group, with a {@code docker} stand-in on PATH that runs the
 *       container's argv locally; DeleteInstances kills the group;
 *   <li>DescribeInstances pages by PageNumber and PageSize (10 by default, at most 100), with TotalCount;
 *   <li>Cloud Assistant: RunCommand runs the script as a real local process on each of its instances (at most
 *       {@value #MAX_COMMAND_INSTANCES}; one that is not running fails the whole call) and DescribeInvocationResults
 *       reports each instance's output and exit code, by InvokeId (and InstanceId), paged by PageNumber and PageSize
 *       (10 by default, at most {@value #MAX_INVOCATION_PAGE});
 *   <li>DescribePrice from a fixture table, in a currency the test picks.
 * </ul>
 *
 * <p>Tests inject faults per action ({@link #failNext}), refuse stock ({@link #setNoStock}), stall an answer after
 * the action took effect ({@link #stallNext}) and hide instances from tag queries ({@link #setTagIndexLag}).
 * Anything the adapter sends that the real API would reject lands in {@link #violations}.
 */
final class EcsStub implements AutoCloseable {

  static final String ACCESS_KEY_ID = "LTAI5tStubKeyId0001";
  static final String ACCESS_KEY_SECRET = "stub-secret-9f2d6c1e";
  static final String REGION = "cn-hangzhou";
  static final String SECURITY_GROUP = "sg-stub01";
  static final String VSWITCH = "vsw-stub01";
  static final String ZONE = "cn-hangzhou-i";
  /** The one snapshot the stub's region has. */
  static final String SNAPSHOT = "s-stubdata01";
  /** The most instances one RunCommand may name here (the adapter's assumption of ECS's limit: unverified). */
  static final int MAX_COMMAND_INSTANCES = 50;
  /** The largest PageSize of DescribeInvocationResults (unverified). */
  static final int MAX_INVOCATION_PAGE = 50;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ECS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final Set<String> COMMON = Set.of("Action", "Version", "Format", "AccessKeyId", "SignatureMethod",
      "SignatureVersion", "SignatureNonce", "Timestamp", "Signature");

  /** A fault to answer instead of doing the action. */
  record Fault(int status, String code, String message) {}

  /** One instance in the ledger. */
  static final class Instance {
    final String id;
    final String clientToken;
    final Map<String, String> request;
    final String instanceType;
    final String zoneId;
    final Map<String, String> tags;
    final String userData;
    final Instant created = Instant.now();
    final Path dir;
    volatile String status = "Pending";
    /** An OperationLocks reason ECS shows, for example Recycling for a reclaimed spot instance; null for none. */
    volatile String lockReason;
    volatile boolean released;
    volatile long processGroup = -1;
    volatile int describedRunning;

    Instance(String id, String clientToken, Map<String, String> request, Map<String, String> tags, String userData,
        Path dir) {
      this.id = id;
      this.clientToken = clientToken;
      this.request = request;
      this.instanceType = request.get("InstanceType");
      this.zoneId = request.getOrDefault("ZoneId", ZONE);
      this.tags = tags;
      this.userData = userData;
      this.dir = dir;
    }

    /** Whether ECS still has it (not released). */
    boolean live() {
      return !released;
    }

    /** Whether it is released and every process it ran is gone. */
    boolean gone() {
      return released && (processGroup < 0 || !ProcessGroups.alive(processGroup));
    }
  }

  /** One Cloud Assistant invocation: one run of its script on each of its instances. */
  static final class Invocation {
    final String invokeId = "t-stub" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String commandId = "c-stub" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final List<Run> runs = new CopyOnWriteArrayList<>();
  }

  /** The run of an invocation's script on one instance. */
  static final class Run {
    final String instanceId;
    final Instant started = Instant.now();
    final StringBuffer output = new StringBuffer();
    volatile Process process;
    volatile Integer exitCode;
    volatile Instant finished;

    Run(String instanceId) {
      this.instanceId = instanceId;
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Path root;
  private final Path shims;
  private final Map<String, String> keys = new ConcurrentHashMap<>(Map.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET));
  private final List<Instance> instances = new CopyOnWriteArrayList<>();
  private final Map<String, Invocation> invocations = new ConcurrentHashMap<>();
  private final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> stalls = new ConcurrentHashMap<>();
  private final Set<String> noStock = ConcurrentHashMap.newKeySet();
  private final Set<String> nonces = ConcurrentHashMap.newKeySet();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> runRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile String currency = "CNY";
  /** What spot capacity costs as a share of the pay-as-you-go price, in DescribePrice. */
  static final double SPOT_DISCOUNT = 0.25;
  private volatile int tagIndexLag;
  private final Map<String, Double> prices = new ConcurrentHashMap<>(Map.of(
      "ecs.gn6i-c4g1.xlarge", 8.95, "ecs.gn6v-c8g1.2xlarge", 26.46, "ecs.gn7i-c8g1.2xlarge", 12.31,
      "ecs.gn7e-c16g1.4xlarge", 34.74));

  EcsStub() {
    try {
      root = Files.createTempDirectory("ecs-stub-");
      shims = Files.createDirectory(root.resolve("bin"));
      writeShim("docker", DOCKER_SHIM);
      writeShim("nvidia-smi", "#!/bin/sh\necho 'GPU 0: NVIDIA A10 (UUID: GPU-stub)'\n");
      // Disks and mounts: the instance has its system disk vda and one data disk vdb; a mount is recorded, not made.
      writeShim("lsblk", LSBLK_SHIM);
      writeShim("findmnt", "#!/bin/sh\necho /dev/vda1\n");
      writeShim("mount", "#!/bin/sh\necho \"$*\" >> \"${GPUJOB_DIR:?}/mounts\"\n");
      writeShim("mount.nfs", "#!/bin/sh\necho \"nfs $*\" >> \"${GPUJOB_DIR:?}/mounts\"\n");
      // The instance image is "GPU-ready": nothing may install software on the host running the tests.
      for (String tool : List.of("apt-get", "ubuntu-drivers", "nvidia-ctk", "systemctl", "curl")) {
        writeShim(tool, "#!/bin/sh\necho \"stub instance: $0 is not available here\" >&2\nexit 1\n");
      }
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The endpoint, for spec.endpoint. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Accepts another key pair (for example a second account), or revokes one with a null secret. */
  void setKey(String accessKeyId, String secret) {
    if (secret == null) {
      keys.remove(accessKeyId);
    } else {
      keys.put(accessKeyId, secret);
    }
  }

  /** The next {@code action} call answers {@code fault} instead of acting; faults queue up in order. */
  void failNext(String action, int status, String code, String message) {
    faults.computeIfAbsent(action, a -> new CopyOnWriteArrayList<>()).add(new Fault(status, code, message));
  }

  /** {@code instanceType} is out of stock (OperationDenied.NoStock) until set back. */
  void setNoStock(String instanceType, boolean outOfStock) {
    if (outOfStock) {
      noStock.add(instanceType);
    } else {
      noStock.remove(instanceType);
    }
  }

  /**
   * The next {@code action} call does its work, then holds its answer until the returned latch is released (or the
   * stub closes): a call that succeeded at Alibaba but timed out at the client.
   */
  CountDownLatch stallNext(String action) {
    CountDownLatch latch = new CountDownLatch(1);
    stalls.put(action, latch);
    return latch;
  }

  /**
   * Reclaims a spot instance as Alibaba does before it releases it: its processes stop, and DescribeInstances shows
   * the lock reason {@code Recycling}.
   */
  void reclaimSpot(Instance instance) {
    instance.lockReason = "Recycling";
    if (instance.processGroup > 0) {
      ProcessGroups.kill(instance.processGroup);
    }
  }

  /**
   * Puts an instance with {@code tags} (an ecs.gn7i-c8g1.2xlarge in the stub's vSwitch) into the ledger as if
   * RunInstances had made it, whose UserData has not run yet: it comes up (Pending, then Running) without a process,
   * and Cloud Assistant finds no container on it. For tests that need many instances and none of their work.
   */
  Instance addUnbooted(Map<String, String> tags) {
    String id = "i-stub" + String.format("%08d", ids.incrementAndGet());
    Map<String, String> request = Map.of("InstanceType", "ecs.gn7i-c8g1.2xlarge", "InstanceName",
        tags.getOrDefault("gpucompute.io/workload", id), "SecurityGroupId", SECURITY_GROUP, "VSwitchId", VSWITCH,
        "ZoneId", ZONE, "RegionId", REGION);
    try {
      Instance instance = new Instance(id, null, request, Map.copyOf(tags), "", Files.createDirectory(root.resolve(id)));
      instances.add(instance);
      return instance;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Releases an instance as DeleteInstances does (or someone in ECS's console): it is gone, with its processes. */
  void release(Instance instance) {
    instance.released = true;
    instance.status = "Stopped";
    if (instance.processGroup > 0) {
      ProcessGroups.kill(instance.processGroup);
    }
  }

  /** Cloud Assistant runs not finished yet. */
  long commandsRunning() {
    return invocations.values().stream().flatMap(i -> i.runs.stream()).filter(r -> r.finished == null).count();
  }

  /** Tag-filtered DescribeInstances misses instances younger than {@code calls} such calls (index lag). */
  void setTagIndexLag(int calls) {
    tagIndexLag = calls;
  }

  void setCurrency(String currency) {
    this.currency = currency;
  }

  /** Every instance ever created, in order. */
  List<Instance> allInstances() {
    return List.copyOf(instances);
  }

  /** Instances not released. */
  List<Instance> liveInstances() {
    return instances.stream().filter(Instance::live).toList();
  }

  /** Instances tagged with the workload name {@code workloadName}. */
  List<Instance> instancesOf(String workloadName) {
    return instances.stream().filter(i -> workloadName.equals(i.tags.get("gpucompute.io/workload"))).toList();
  }

  /** What the stub flagged in the requests it got. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** The actions called, in order (after the signature check). */
  List<String> actions() {
    return List.copyOf(actions);
  }

  /** The parameters of every signed RunInstances call, faults included, in order. */
  List<Map<String, String>> runInstancesRequests() {
    return List.copyOf(runRequests);
  }

  /** How often {@code action} was called. */
  long calls(String action) {
    return actions.stream().filter(action::equals).count();
  }

  @Override
  public void close() {
    stalls.values().forEach(CountDownLatch::countDown);
    server.stop(0);
    for (Instance instance : instances) {
      if (instance.processGroup > 0) {
        ProcessGroups.kill(instance.processGroup);
      }
    }
    invocations.values().forEach(inv -> inv.runs.forEach(run -> {
      if (run.process != null) {
        run.process.descendants().forEach(ProcessHandle::destroyForcibly);
        run.process.destroyForcibly();
      }
    }));
    threads.shutdownNow();
    deleteTree(root);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> params = new TreeMap<>();
      parseForm(exchange.getRequestURI().getRawQuery(), params);
      try (InputStream body = exchange.getRequestBody()) {
        String form = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!form.isEmpty() && type != null && type.startsWith("application/x-www-form-urlencoded")) {
          parseForm(form, params);
        }
      }
      Answer answer = answer(exchange.getRequestMethod(), params);
      byte[] bytes = JSON.writeValueAsBytes(answer.body);
      exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
      exchange.sendResponseHeaders(answer.status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (RuntimeException e) {
      violations.add("stub failure: " + e);
      throw e;
    }
  }

  private record Answer(int status, ObjectNode body) {}

  private Answer answer(String method, Map<String, String> params) {
    if (!"GET".equals(method) && !"POST".equals(method)) {
      return error(405, "UnsupportedHTTPMethod", "Specified HTTP method is not supported.");
    }
    for (String name : COMMON) {
      if (!params.containsKey(name)) {
        return error(400, "MissingParameter", "The input parameter \"" + name + "\" that is mandatory for "
            + "processing this request is not supplied.");
      }
    }
    if (!"2014-05-26".equals(params.get("Version"))) {
      return error(400, "InvalidVersion", "Specified parameter Version is not valid.");
    }
    if (!"HMAC-SHA1".equals(params.get("SignatureMethod")) || !"1.0".equals(params.get("SignatureVersion"))) {
      return error(400, "InvalidSignatureMethod", "Specified signature method is not supported.");
    }
    if (!"JSON".equals(params.get("Format"))) {
      violations.add(params.get("Action") + ": Format " + params.get("Format") + " (the adapter reads JSON)");
    }
    String secret = keys.get(params.get("AccessKeyId"));
    if (secret == null) {
      return error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    }
    String expected = EcsSignature.sign(method, params, secret);
    if (!expected.equals(params.get("Signature"))) {
      return error(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. "
          + "server string to sign is:" + method + "&%2F&...");
    }
    if (!nonces.add(params.get("SignatureNonce"))) {
      return error(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    }
    Instant stamp;
    try {
      stamp = Instant.parse(params.get("Timestamp"));
    } catch (RuntimeException e) {
      return error(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
    }
    if (Duration.between(stamp, Instant.now()).abs().toMinutes() > 15) {
      return error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
    }
    String action = params.get("Action");
    actions.add(action);
    if ("RunInstances".equals(action)) {
      runRequests.add(Map.copyOf(params));
    }
    List<Fault> queued = faults.get(action);
    if (queued != null && !queued.isEmpty()) {
      Fault fault = queued.remove(0);
      return error(fault.status(), fault.code(), fault.message());
    }
    Answer answer = switch (action) {
      case "DescribeInstances" -> describeInstances(params);
      case "RunInstances" -> runInstances(params);
      case "DeleteInstances" -> deleteInstances(params);
      case "RunCommand" -> runCommand(params);
      case "DescribeInvocationResults" -> describeInvocationResults(params);
      case "DescribePrice" -> describePrice(params);
      case "DescribeSnapshots" -> describeSnapshots(params);
      default -> error(400, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
    };
    CountDownLatch stall = stalls.remove(action);
    if (stall != null) {
      try {
        stall.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return answer;
  }

  private Answer describeInstances(Map<String, String> params) {
    Map<String, String> tagFilter = indexed(params, "Tag.", ".Key", ".Value");
    List<String> idFilter = null;
    if (params.containsKey("InstanceIds")) {
      try {
        idFilter = List.of(JSON.readValue(params.get("InstanceIds"), String[].class));
      } catch (IOException e) {
        return error(400, "InvalidInstanceIds.Malformed", "The specified parameter InstanceIds is not valid.");
      }
    }
    List<Instance> matched = new ArrayList<>();
    for (Instance instance : instances) {
      if (!instance.live()) {
        continue;
      }
      if (idFilter != null && !idFilter.contains(instance.id)) {
        continue;
      }
      if (!tagFilter.isEmpty()) {
        if (!tagFilter.entrySet().stream().allMatch(t -> t.getValue().equals(instance.tags.get(t.getKey())))) {
          continue;
        }
        if (instance.describedRunning < tagIndexLag) {
          instance.describedRunning++;
          continue;
        }
      }
      matched.add(instance);
    }
    int pageSize = intParam(params, "PageSize", 10);
    int pageNumber = intParam(params, "PageNumber", 1);
    if (pageSize < 1 || pageSize > 100 || pageNumber < 1) {
      violations.add("DescribeInstances with PageSize " + pageSize + ", PageNumber " + pageNumber);
      return error(400, "InvalidParameter", "The specified parameter PageSize or PageNumber is not valid.");
    }
    ObjectNode body = ok();
    body.put("TotalCount", matched.size()).put("PageNumber", pageNumber).put("PageSize", pageSize)
        .put("NextToken", "");
    ArrayNode list = body.putObject("Instances").putArray("Instance");
    for (Instance instance : page(matched, pageNumber, pageSize)) {
      // Pending until described once, then Running: the boot as the adapter sees it.
      String status = instance.status;
      if ("Pending".equals(status)) {
        instance.status = "Running";
      }
      ObjectNode node = list.addObject();
      node.put("InstanceId", instance.id).put("InstanceName", instance.request.get("InstanceName"))
          .put("InstanceType", instance.instanceType).put("Status", status).put("RegionId", REGION)
          .put("ZoneId", instance.zoneId).put("ImageId", instance.request.getOrDefault("ImageId", "ubuntu_22_04"))
          .put("CreationTime", ECS_TIME.format(instance.created.truncatedTo(ChronoUnit.MINUTES)).replace(":00Z", "Z"))
          .put("StartTime", ECS_TIME.format(instance.created)).put("InstanceChargeType", "PostPaid")
          .put("SpotStrategy", instance.request.getOrDefault("SpotStrategy", "NoSpot"));
      node.putObject("PublicIpAddress").putArray("IpAddress");
      node.putObject("InnerIpAddress").putArray("IpAddress");
      node.putObject("SecurityGroupIds").putArray("SecurityGroupId").add(instance.request.get("SecurityGroupId"));
      ObjectNode vpc = node.putObject("VpcAttributes");
      vpc.put("VpcId", "vpc-stub01").put("VSwitchId", instance.request.get("VSwitchId")).put("NatIpAddress", "");
      vpc.putObject("PrivateIpAddress").putArray("IpAddress").add("172.16.0." + (10 + instances.indexOf(instance)));
      ArrayNode tags = node.putObject("Tags").putArray("Tag");
      instance.tags.forEach((k, v) -> tags.addObject().put("TagKey", k).put("TagValue", v));
      ArrayNode locks = node.putObject("OperationLocks").putArray("LockReason");
      if (instance.lockReason != null) {
        locks.addObject().put("LockReason", instance.lockReason);
      }
    }
    return new Answer(200, body);
  }

  private synchronized Answer runInstances(Map<String, String> params) {
    for (String required : List.of("InstanceType", "SecurityGroupId", "VSwitchId", "RegionId")) {
      if (!params.containsKey(required)) {
        return error(400, "MissingParameter", "The input parameter \"" + required + "\" that is mandatory for "
            + "processing this request is not supplied.");
      }
    }
    if (!params.containsKey("ImageId") && !params.containsKey("ImageFamily")) {
      return error(400, "MissingParameter", "The input parameter \"ImageId\" that is mandatory for processing this "
          + "request is not supplied.");
    }
    String token = params.get("ClientToken");
    if (token == null || token.length() > 64 || !token.chars().allMatch(c -> c > 32 && c < 127)) {
      violations.add("RunInstances without a valid ClientToken: " + token);
    }
    if (!"PostPaid".equals(params.get("InstanceChargeType"))) {
      violations.add("RunInstances with InstanceChargeType " + params.get("InstanceChargeType"));
    }
    Map<String, String> request = new TreeMap<>(params);
    request.keySet().removeAll(Set.of("Signature", "SignatureNonce", "Timestamp"));
    if (token != null) {
      for (Instance instance : instances) {
        if (token.equals(instance.clientToken)) {
          if (!instance.request.equals(request)) {
            return error(400, "IdempotentParameterMismatch", "The specified parameters are different from before "
                + "with the same ClientToken.");
          }
          ObjectNode body = ok();
          body.putObject("InstanceIdSets").putArray("InstanceIdSet").add(instance.id);
          return new Answer(200, body);
        }
      }
    }
    if (noStock.contains(params.get("InstanceType"))) {
      return error(403, "OperationDenied.NoStock", "The resource is out of stock in the specified zone. Please try "
          + "other types, or choose other regions and zones.");
    }
    for (int i = 1; params.containsKey("DataDisk." + i + ".SnapshotId"); i++) {
      if (!SNAPSHOT.equals(params.get("DataDisk." + i + ".SnapshotId"))) {
        return error(404, "InvalidSnapshotId.NotFound", "The specified SnapshotId does not exist.");
      }
    }
    if (!params.get("InstanceType").startsWith("ecs.")) {
      return error(400, "InvalidInstanceType.ValueNotSupported", "The specified InstanceType does not exist.");
    }
    String userData;
    try {
      userData = new String(Base64.getDecoder().decode(params.getOrDefault("UserData", "")), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return error(400, "InvalidUserData.Base64FormatInvalid", "The specified UserData is not valid Base64.");
    }
    Map<String, String> tags = new LinkedHashMap<>(indexed(params, "Tag.", ".Key", ".Value"));
    String id = "i-stub" + String.format("%08d", ids.incrementAndGet());
    Instance instance;
    try {
      instance = new Instance(id, token, request, tags, userData, Files.createDirectory(root.resolve(id)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    instances.add(instance);
    boot(instance);
    ObjectNode body = ok();
    body.putObject("InstanceIdSets").putArray("InstanceIdSet").add(id);
    body.put("OrderId", "2000" + ids.get()).put("TradePrice", prices.getOrDefault(instance.instanceType, 10.0));
    return new Answer(200, body);
  }

  private Answer describeSnapshots(Map<String, String> params) {
    ObjectNode body = ok();
    ArrayNode snapshots = body.putObject("Snapshots").putArray("Snapshot");
    String ids = params.getOrDefault("SnapshotIds", "");
    if (ids.contains("\"" + SNAPSHOT + "\"")) {
      snapshots.addObject().put("SnapshotId", SNAPSHOT).put("Status", "accomplished").put("RegionId", REGION);
    }
    body.put("TotalCount", snapshots.size()).put("PageNumber", 1).put("PageSize", 100);
    return new Answer(200, body);
  }

  private Answer deleteInstances(Map<String, String> params) {
    List<String> targets = new ArrayList<>(indexedValues(params, "InstanceId."));
    if (targets.isEmpty()) {
      return error(400, "MissingParameter", "The input parameter \"InstanceId\" that is mandatory for processing this "
          + "request is not supplied.");
    }
    List<Instance> found = new ArrayList<>();
    for (String id : targets) {
      Instance instance = instances.stream().filter(i -> i.id.equals(id) && i.live()).findFirst().orElse(null);
      if (instance == null) {
        return error(404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.");
      }
      if ("Running".equals(instance.status) && !"true".equals(params.get("Force"))) {
        return error(403, "IncorrectInstanceStatus", "The current status of the resource does not support this "
            + "operation.");
      }
      found.add(instance);
    }
    found.forEach(this::release);
    return new Answer(200, ok());
  }

  private Answer runCommand(Map<String, String> params) {
    List<String> targets = indexedValues(params, "InstanceId.");
    if (targets.isEmpty() || targets.size() > MAX_COMMAND_INSTANCES || targets.size() != Set.copyOf(targets).size()
        || !"RunShellScript".equals(params.get("Type")) || !params.containsKey("CommandContent")) {
      violations.add("RunCommand with " + targets + ", Type " + params.get("Type"));
      return error(400, "InvalidParameter", "The specified parameter is not valid.");
    }
    List<Instance> found = new ArrayList<>();
    for (String target : targets) {
      Instance instance = instances.stream().filter(i -> i.id.equals(target) && i.live()).findFirst().orElse(null);
      if (instance == null) {
        return error(404, "InvalidInstance.NotFound", "The specified instance does not exist.");
      }
      if (!"Running".equals(instance.status)) {
        return error(400, "InstanceNotRunning", "The specified instance is not running.");
      }
      found.add(instance);
    }
    String content = params.get("CommandContent");
    if ("Base64".equals(params.get("ContentEncoding"))) {
      content = new String(Base64.getDecoder().decode(content), StandardCharsets.UTF_8);
    }
    Invocation invocation = new Invocation();
    invocations.put(invocation.invokeId, invocation);
    for (Instance instance : found) {
      invocation.runs.add(run(instance, content));
    }
    ObjectNode body = ok();
    body.put("CommandId", invocation.commandId).put("InvokeId", invocation.invokeId);
    return new Answer(200, body);
  }

  /** Runs {@code script} on {@code instance} as Cloud Assistant would: a local bash process with its environment. */
  private Run run(Instance instance, String script) {
    Run run = new Run(instance.id);
    try {
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
      environment(builder, instance);
      Process process = builder.start();
      process.getOutputStream().close();
      run.process = process;
      threads.submit(() -> {
        try {
          run.output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
          run.exitCode = process.waitFor();
        } catch (IOException | InterruptedException e) {
          run.exitCode = 137;
        }
        run.finished = Instant.now();
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return run;
  }

  private Answer describeInvocationResults(Map<String, String> params) {
    int pageSize = intParam(params, "PageSize", 10);
    int pageNumber = intParam(params, "PageNumber", 1);
    if (pageSize < 1 || pageSize > MAX_INVOCATION_PAGE || pageNumber < 1) {
      violations.add("DescribeInvocationResults with PageSize " + pageSize + ", PageNumber " + pageNumber);
      return error(400, "InvalidParameter", "The specified parameter PageSize or PageNumber is not valid.");
    }
    Invocation invocation = invocations.get(params.getOrDefault("InvokeId", ""));
    List<Run> matched = invocation == null ? List.of() : invocation.runs.stream()
        .filter(run -> !params.containsKey("InstanceId") || run.instanceId.equals(params.get("InstanceId"))).toList();
    ObjectNode body = ok();
    ObjectNode wrapper = body.putObject("Invocation");
    ArrayNode results = wrapper.putObject("InvocationResults").putArray("InvocationResult");
    for (Run run : page(matched, pageNumber, pageSize)) {
      boolean done = run.finished != null;
      String output = run.output.toString();
      ObjectNode result = results.addObject();
      result.put("CommandId", invocation.commandId).put("InvokeId", invocation.invokeId)
          .put("InstanceId", run.instanceId).put("InvokeRecordStatus", done ? "Finished" : "Running")
          .put("InvocationStatus", done ? (run.exitCode == 0 ? "Success" : "Failed") : "Running")
          .put("Output", "PlainText".equals(params.get("ContentEncoding")) ? output
              : Base64.getEncoder().encodeToString(output.getBytes(StandardCharsets.UTF_8)))
          .put("Dropped", 0).put("ErrorCode", "").put("ErrorInfo", "")
          .put("StartTime", ECS_TIME.format(run.started)).put("Repeats", 1).put("Username", "root");
      if (done) {
        result.put("ExitCode", run.exitCode).put("FinishedTime", ECS_TIME.format(run.finished));
      }
      result.putObject("Tags").putArray("Tag");
    }
    wrapper.put("PageSize", pageSize).put("PageNumber", pageNumber).put("TotalCount", matched.size());
    return new Answer(200, body);
  }

  /** Page {@code number} (from 1) of {@code items}, {@code size} a page. */
  private static <T> List<T> page(List<T> items, int number, int size) {
    long from = (long) (number - 1) * size;
    return from >= items.size() ? List.of() : items.subList((int) from, (int) Math.min(items.size(), from + size));
  }

  /** An integer parameter, {@code otherwise} when it is absent, -1 when it is not a number. */
  private static int intParam(Map<String, String> params, String name, int otherwise) {
    String value = params.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Answer describePrice(Map<String, String> params) {
    if (!"instance".equals(params.get("ResourceType")) && params.containsKey("ResourceType")) {
      return error(400, "InvalidResourceType.NotSupported", "The specified ResourceType is not supported.");
    }
    Double price = prices.get(params.getOrDefault("InstanceType", ""));
    if (price == null) {
      return error(400, "InvalidInstanceType.ValueNotSupported", "The specified InstanceType does not exist.");
    }
    String strategy = params.getOrDefault("SpotStrategy", "NoSpot");
    if (!Set.of("NoSpot", "SpotAsPriceGo", "SpotWithPriceLimit").contains(strategy)) {
      return error(400, "InvalidSpotStrategy", "The specified SpotStrategy is not valid.");
    }
    if (!strategy.equals("NoSpot")) {
      price = price * SPOT_DISCOUNT; // spot capacity at a fraction of the pay-as-you-go price
    }
    ObjectNode body = ok();
    ObjectNode info = body.putObject("PriceInfo");
    info.putObject("Price").put("OriginalPrice", price).put("DiscountPrice", 0.0).put("TradePrice", price)
        .put("Currency", currency);
    info.putObject("Rules").putArray("Rule");
    return new Answer(200, body);
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Boots the instance: its UserData runs with bash in a new session (so a release kills its whole group). */
  private void boot(Instance instance) {
    try {
      Path script = instance.dir.resolve("user-data.sh");
      Files.writeString(script, instance.userData);
      ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inNewGroup(List.of("bash", script.toString())))
          .redirectErrorStream(true).redirectOutput(instance.dir.resolve("cloud-init-output.log").toFile());
      environment(builder, instance);
      Process process = builder.start();
      process.getOutputStream().close();
      instance.processGroup = process.pid();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void environment(ProcessBuilder builder, Instance instance) {
    builder.environment().clear();
    TestProcessTag.tag(builder.environment(), "ecs-stub instance " + instance.id);
    builder.environment().put("PATH", shims + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("GPUJOB_DIR", instance.dir.resolve("gpujob").toString());
    builder.environment().put("HOME", instance.dir.toString());
  }

  private ObjectNode ok() {
    ObjectNode body = JSON.createObjectNode();
    body.put("RequestId", UUID.randomUUID().toString().toUpperCase());
    return body;
  }

  private Answer error(int status, String code, String message) {
    ObjectNode body = ok();
    body.put("HostId", "ecs.stub.invalid").put("Code", code).put("Message", message)
        .put("Recommend", "https://troubleshoot.invalid/?q=" + code);
    return new Answer(status, body);
  }

  /** {@code Tag.1.Key=a, Tag.1.Value=b} as {@code {a: b}}. */
  private static Map<String, String> indexed(Map<String, String> params, String prefix, String keySuffix,
      String valueSuffix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; params.containsKey(prefix + i + keySuffix); i++) {
      out.put(params.get(prefix + i + keySuffix), params.getOrDefault(prefix + i + valueSuffix, ""));
    }
    return out;
  }

  private static List<String> indexedValues(Map<String, String> params, String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 1; params.containsKey(prefix + i); i++) {
      out.add(params.get(prefix + i));
    }
    return out;
  }

  private static void parseForm(String raw, Map<String, String> into) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.put(key, value);
    }
  }

  private void writeShim(String name, String content) throws IOException {
    Path file = shims.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  /** A stand-in for lsblk: the system disk vda (with vda1 at /) and one data disk vdb. */
  static final String LSBLK_SHIM = """
      #!/bin/sh
      case "$*" in
        "-no PKNAME "*) echo vda ;;
        "-dpno NAME,TYPE") printf '/dev/vda disk\\n/dev/vdb disk\\n' ;;
        "-lnpo NAME "*) echo "$3" ;;
        *) echo "stub lsblk: unsupported options $*" >&2; exit 1 ;;
      esac
      """;

  /**
   * A stand-in for docker on the stub's instances: a container is a local process whose output goes to
   * {@code $GPUJOB_DIR/docker/NAME.log} and whose exit code to {@code NAME.status}. It knows the options the
   * adapter's UserData uses, and fails on any other, so that the test catches a UserData it cannot run.
   */
  static final String DOCKER_SHIM = """
      #!/bin/bash
      D="${GPUJOB_DIR:?}/docker"
      mkdir -p "$D"
      cmd="$1"; shift
      case "$cmd" in
        info) echo "Runtimes: io.containerd.runc.v2 nvidia runc" ;;
        run)
          name=""; entry=""; detach=""; envs=()
          while [ $# -gt 0 ]; do
            case "$1" in
              -d) detach=1; shift ;;
              --name) name="$2"; shift 2 ;;
              --gpus) shift 2 ;;
              --runtime=*) shift ;;
              -e) case "$2" in *=*) envs+=("$2") ;; *) envs+=("$2=${!2-}") ;; esac; shift 2 ;;
              --entrypoint) entry="$2"; shift 2 ;;
              -v) echo "$2" >> "$D/$name.volumes.tmp"; shift 2 ;;
              -*) echo "stub docker: unsupported option $1" >&2; exit 125 ;;
              *) break ;;
            esac
          done
          [ -n "$detach" ] && [ -n "$name" ] || { echo "stub docker: run needs -d and --name" >&2; exit 125; }
          [ -e "$D/$name.log" ] && { echo "stub docker: the container name $name is already in use" >&2; exit 125; }
          image="$1"; shift
          echo "$image" > "$D/$name.image"
          [ -e "$D/$name.volumes.tmp" ] && mv "$D/$name.volumes.tmp" "$D/$name.volumes"
          if [ -n "$entry" ]; then set -- "$entry" "$@"; fi
          [ $# -gt 0 ] || { echo "stub docker: no command (the stub has no image defaults)" >&2; exit 125; }
          : > "$D/$name.log"
          ( env -i PATH="$PATH" "${envs[@]}" "$@" >> "$D/$name.log" 2>&1 < /dev/null
            echo $? > "$D/$name.status.tmp"; mv "$D/$name.status.tmp" "$D/$name.status" ) > /dev/null 2>&1 &
          echo "stub-$name"
          ;;
        wait)
          [ -e "$D/$1.log" ] || { echo "Error: No such container: $1" >&2; exit 1; }
          while [ ! -e "$D/$1.status" ]; do sleep 0.05; done
          cat "$D/$1.status" ;;
        inspect) [ -e "$D/$1.log" ] || { echo "Error: No such object: $1" >&2; exit 1; } ;;
        logs)
          n=all
          if [ "$1" = "--tail" ]; then n="$2"; shift 2; fi
          [ -e "$D/$1.log" ] || { echo "Error: No such container: $1" >&2; exit 1; }
          if [ "$n" = all ]; then cat "$D/$1.log"; else tail -n "$n" "$D/$1.log"; fi ;;
        *) echo "stub docker: unsupported command $cmd" >&2; exit 1 ;;
      esac
      """;
}
