package io.gpucompute.provider.alibaba;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.ecs.model.v20140526.DeleteInstancesRequest;
import com.aliyuncs.ecs.model.v20140526.DescribeInstancesRequest;
import com.aliyuncs.ecs.model.v20140526.DescribeInstancesResponse;
import com.aliyuncs.ecs.model.v20140526.DescribeInvocationResultsRequest;
import com.aliyuncs.ecs.model.v20140526.DescribeInvocationResultsResponse;
import com.aliyuncs.ecs.model.v20140526.DescribePriceRequest;
import com.aliyuncs.ecs.model.v20140526.DescribePriceResponse;
import com.aliyuncs.ecs.model.v20140526.DescribeSnapshotsRequest;
import com.aliyuncs.ecs.model.v20140526.DescribeSnapshotsResponse;
import com.aliyuncs.ecs.model.v20140526.RunCommandRequest;
import com.aliyuncs.ecs.model.v20140526.RunInstancesRequest;
import com.aliyuncs.ecs.model.v20140526.RunInstancesResponse;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.HttpClientConfig;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.policy.retry.RetryPolicy;
import com.aliyuncs.profile.DefaultProfile;
import io.gpucompute.provider.ProviderException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ECS API calls the adapter makes, through the official SDK. Every request gets the region, the timeouts and,
 * when spec.endpoint is set, that endpoint (host, port and scheme), so it never resolves Alibaba's own. The SDK's
 * own retries are off: the operator retries, with backoff, and submit looks before it creates.
 */
final class EcsApi {

  /** The tag key that names the attempt's workload; the look-up key of submit, observe and cancel. */
  static final String TAG_WORKLOAD = "gpucompute.io/workload";
  /** The tag key that names the GpuJob's uid. */
  static final String TAG_JOB_UID = "gpucompute.io/job-uid";
  /** The tag key that names the GpuJob, as namespace/name. */
  static final String TAG_JOB = "gpucompute.io/job";
  /** The tag key that names the ProviderConfig. */
  static final String TAG_PROVIDER_CONFIG = "gpucompute.io/provider-config";
  /** The tag key that names the operator. */
  static final String TAG_MANAGED_BY = "gpucompute.io/managed-by";
  /** Its value. */
  static final String OPERATOR = "gpu-compute-operator";
  /** The tag key that names the operator installation (the uid of its cluster's kube-system namespace). */
  static final String TAG_INSTALLATION = "gpucompute.io/installation";
  /** Instances per page of DescribeInstances: its largest PageSize. */
  static final int PAGE_SIZE = 100;
  /**
   * The most instances one RunCommand names. ECS documents RunCommand on "one or more" instances; this bound is
   * the adapter's assumption of its limit (unverified against the real service).
   */
  static final int MAX_COMMAND_INSTANCES = 50;
  /** Results per page of DescribeInvocationResults: its largest PageSize (unverified). */
  private static final int INVOCATION_PAGE_SIZE = 50;

  private final IAcsClient client;
  private final String region;
  private final String endpointHost;
  private final ProtocolType protocol;
  private final AlibabaSettings settings;

  EcsApi(String region, String accessKeyId, String accessKeySecret, String endpoint, AlibabaSettings settings)
      throws ProviderException.InvalidRequest {
    this.region = region;
    this.settings = settings;
    HttpClientConfig http = HttpClientConfig.getDefault();
    http.setConnectionTimeoutMillis(settings.connectTimeout().toMillis());
    http.setReadTimeoutMillis(settings.readTimeout().toMillis());
    if (endpoint == null || endpoint.isBlank()) {
      this.endpointHost = null;
      this.protocol = ProtocolType.HTTPS;
    } else {
      URI uri;
      try {
        uri = URI.create(endpoint.trim());
      } catch (IllegalArgumentException e) {
        throw new ProviderException.InvalidRequest("InvalidEndpoint", "spec.endpoint is not a URL: " + e.getMessage());
      }
      if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new ProviderException.InvalidRequest("InvalidEndpoint", "spec.endpoint must be http(s)://host[:port]");
      }
      this.endpointHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      this.protocol = "http".equals(uri.getScheme()) ? ProtocolType.HTTP : ProtocolType.HTTPS;
      // An endpoint on this host must not go through HTTP(S)_PROXY, which the SDK honours by default.
      if (uri.getHost().equals("127.0.0.1") || uri.getHost().equals("localhost")) {
        http.setNoProxy(uri.getHost());
      }
    }
    http.setProtocolType(protocol);
    DefaultProfile profile = DefaultProfile.getProfile(region, accessKeyId, accessKeySecret);
    profile.setHttpClientConfig(http);
    DefaultAcsClient acs = new DefaultAcsClient(profile);
    acs.setSysRetryPolicy(RetryPolicy.none());
    this.client = acs;
  }

  String region() {
    return region;
  }

  /** Instances tagged with {@code workloadName}, live or not yet released. */
  List<DescribeInstancesResponse.Instance> instancesOf(String workloadName) throws ProviderException {
    DescribeInstancesRequest request = new DescribeInstancesRequest();
    DescribeInstancesRequest.Tag tag = new DescribeInstancesRequest.Tag();
    tag.setKey(TAG_WORKLOAD);
    tag.setValue(workloadName);
    request.setTags(List.of(tag));
    request.setPageSize(100);
    return call("DescribeInstances", request).getInstances();
  }

  /** Every instance that installation {@code installation} created, page by page (100 a page). */
  List<DescribeInstancesResponse.Instance> instancesOfInstallation(String installation) throws ProviderException {
    return instancesTagged(TAG_INSTALLATION, installation);
  }

  /** Every instance this operator created for the ProviderConfig {@code configName}, page by page (100 a page). */
  List<DescribeInstancesResponse.Instance> instancesOfProviderConfig(String configName) throws ProviderException {
    return instancesTagged(TAG_PROVIDER_CONFIG, configName);
  }

  /**
   * Every instance of this operator that has the tag {@code key=value}: one DescribeInstances per page of
   * {@value #PAGE_SIZE}, until a page is short or TotalCount is reached. An instance that a page shows twice (the
   * listing shifted between pages) is listed once.
   */
  private List<DescribeInstancesResponse.Instance> instancesTagged(String key, String value) throws ProviderException {
    Map<String, DescribeInstancesResponse.Instance> all = new LinkedHashMap<>();
    int read = 0;
    for (int page = 1; ; page++) {
      DescribeInstancesRequest request = new DescribeInstancesRequest();
      DescribeInstancesRequest.Tag managed = new DescribeInstancesRequest.Tag();
      managed.setKey(TAG_MANAGED_BY);
      managed.setValue(OPERATOR);
      DescribeInstancesRequest.Tag tag = new DescribeInstancesRequest.Tag();
      tag.setKey(key);
      tag.setValue(value);
      request.setTags(List.of(managed, tag));
      request.setPageSize(PAGE_SIZE);
      request.setPageNumber(page);
      DescribeInstancesResponse response = call("DescribeInstances", request);
      List<DescribeInstancesResponse.Instance> instances = response.getInstances() == null ? List.of()
          : response.getInstances();
      instances.forEach(instance -> all.putIfAbsent(instance.getInstanceId(), instance));
      read += instances.size();
      Integer total = response.getTotalCount();
      if (instances.size() < PAGE_SIZE || (total != null && read >= total)) {
        return new ArrayList<>(all.values());
      }
    }
  }

  /** Any one instance this operator manages: the cheapest call that proves the key pair and the region. */
  int countManaged() throws ProviderException {
    DescribeInstancesRequest request = new DescribeInstancesRequest();
    DescribeInstancesRequest.Tag tag = new DescribeInstancesRequest.Tag();
    tag.setKey(TAG_MANAGED_BY);
    tag.setValue(OPERATOR);
    request.setTags(List.of(tag));
    request.setPageSize(10);
    return call("DescribeInstances", request).getTotalCount();
  }

  /** Which of {@code snapshotIds} exist in the region. */
  List<String> existingSnapshots(List<String> snapshotIds) throws ProviderException {
    DescribeSnapshotsRequest request = new DescribeSnapshotsRequest();
    request.setSnapshotIds("[" + String.join(",", snapshotIds.stream().map(id -> "\"" + id + "\"").toList()) + "]");
    request.setPageSize(100);
    DescribeSnapshotsResponse response = call("DescribeSnapshots", request);
    return response.getSnapshots() == null ? List.of()
        : response.getSnapshots().stream().map(DescribeSnapshotsResponse.Snapshot::getSnapshotId).toList();
  }

  /** Runs RunInstances; the ids of the instances it made (or had made for the same ClientToken). */
  List<String> runInstances(RunInstancesRequest request) throws ProviderException {
    RunInstancesResponse response = call("RunInstances", request);
    return response.getInstanceIdSets() == null ? List.of() : response.getInstanceIdSets();
  }

  /** Releases the instances at once, running or not. */
  void deleteInstances(List<String> instanceIds, String clientToken) throws ProviderException {
    DeleteInstancesRequest request = new DeleteInstancesRequest();
    request.setInstanceIds(instanceIds);
    request.setForce(true);
    request.setClientToken(clientToken);
    call("DeleteInstances", request);
  }

  /**
   * Starts {@code script} through Cloud Assistant on each of {@code instanceIds} (at most
   * {@value #MAX_COMMAND_INSTANCES}, all Running); the InvokeId of the one invocation.
   */
  String runCommand(List<String> instanceIds, String script) throws ProviderException {
    RunCommandRequest request = new RunCommandRequest();
    request.setType("RunShellScript");
    request.setCommandContent(script);
    request.setContentEncoding("PlainText");
    request.setInstanceIds(instanceIds);
    request.setTimeout(settings.commandTimeout());
    request.setKeepCommand(false);
    request.setName("gpujob-status");
    return call("RunCommand", request).getInvokeId();
  }

  /** The result of one invocation on one instance, if Cloud Assistant has it. */
  Optional<DescribeInvocationResultsResponse.Invocation.InvocationResult> invocationResult(String invokeId,
      String instanceId) throws ProviderException {
    DescribeInvocationResultsRequest request = new DescribeInvocationResultsRequest();
    request.setInvokeId(invokeId);
    request.setInstanceId(instanceId);
    request.setContentEncoding("PlainText");
    DescribeInvocationResultsResponse response = call("DescribeInvocationResults", request);
    if (response.getInvocation() == null || response.getInvocation().getInvocationResults() == null) {
      return Optional.empty();
    }
    return response.getInvocation().getInvocationResults().stream().findFirst();
  }

  /**
   * The result of one invocation on each of its instances that Cloud Assistant has one for, by instance id: one
   * DescribeInvocationResults per page of {@value #INVOCATION_PAGE_SIZE}.
   */
  Map<String, DescribeInvocationResultsResponse.Invocation.InvocationResult> invocationResults(String invokeId)
      throws ProviderException {
    Map<String, DescribeInvocationResultsResponse.Invocation.InvocationResult> results = new LinkedHashMap<>();
    int read = 0;
    for (long page = 1; ; page++) {
      DescribeInvocationResultsRequest request = new DescribeInvocationResultsRequest();
      request.setInvokeId(invokeId);
      request.setContentEncoding("PlainText");
      request.setPageSize((long) INVOCATION_PAGE_SIZE);
      request.setPageNumber(page);
      DescribeInvocationResultsResponse.Invocation invocation =
          call("DescribeInvocationResults", request).getInvocation();
      List<DescribeInvocationResultsResponse.Invocation.InvocationResult> found =
          invocation == null || invocation.getInvocationResults() == null ? List.of()
              : invocation.getInvocationResults();
      found.forEach(result -> results.putIfAbsent(result.getInstanceId(), result));
      read += found.size();
      Long total = invocation == null ? null : invocation.getTotalCount();
      if (found.size() < INVOCATION_PAGE_SIZE || (total != null && read >= total)) {
        return results;
      }
    }
  }

  /** The hourly pay-as-you-go (or spot) price of one instance of {@code instanceType}. */
  DescribePriceResponse.PriceInfo.Price price(String instanceType, String zoneId, String spotStrategy)
      throws ProviderException {
    DescribePriceRequest request = new DescribePriceRequest();
    request.setResourceType("instance");
    request.setInstanceType(instanceType);
    request.setZoneId(zoneId);
    request.setPriceUnit("Hour");
    request.setPeriod(1);
    request.setInstanceNetworkType("vpc");
    request.setSystemDiskCategory("cloud_essd");
    if (spotStrategy != null && !"NoSpot".equals(spotStrategy)) {
      request.setSpotStrategy(spotStrategy);
    }
    DescribePriceResponse response = call("DescribePrice", request);
    return response.getPriceInfo() == null ? null : response.getPriceInfo().getPrice();
  }

  /** Sends {@code request} with this provider's region, endpoint and timeouts. */
  <T extends AcsResponse> T call(String action, AcsRequest<T> request) throws ProviderException {
    request.setSysRegionId(region);
    request.setSysConnectTimeout((int) settings.connectTimeout().toMillis());
    request.setSysReadTimeout((int) settings.readTimeout().toMillis());
    request.setSysProtocol(protocol);
    if (endpointHost != null) {
      request.setSysEndpoint(endpointHost);
    }
    try {
      return client.getAcsResponse(request);
    } catch (ClientException e) {
      throw EcsErrors.map(action, e);
    } catch (RuntimeException e) {
      throw new ProviderException.Transient("ProviderUnreachable", action + " failed: " + e, e);
    }
  }
}
