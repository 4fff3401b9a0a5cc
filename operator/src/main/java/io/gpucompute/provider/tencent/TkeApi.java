package io.gpucompute.provider.tencent;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.tke.v20180525.TkeClient;
import com.tencentcloudapi.tke.v20180525.models.Cluster;
import com.tencentcloudapi.tke.v20180525.models.DescribeClusterKubeconfigRequest;
import com.tencentcloudapi.tke.v20180525.models.DescribeClustersRequest;
import com.tencentcloudapi.tke.v20180525.models.DescribeClustersResponse;
import io.gpucompute.provider.ProviderException;
import java.net.URI;
import java.util.Locale;

/**
 * The TKE API calls the provider makes, through the SDK's {@link TkeClient} (TC3-HMAC-SHA256 signing, API 3.0), with
 * their errors mapped onto the provider taxonomy. Tencent answers every application error with HTTP 200 and a
 * {@code Response.Error}, which the SDK raises as {@link TencentCloudSDKException} with the error code.
 */
final class TkeApi {

  private final TkeClient client;

  /**
   * @param endpoint an endpoint URL that overrides the SDK's default (spec.endpoint), or null
   */
  TkeApi(String secretId, String secretKey, String region, String endpoint, int timeoutSeconds) {
    HttpProfile http = new HttpProfile();
    http.setConnTimeout(timeoutSeconds);
    http.setReadTimeout(timeoutSeconds);
    http.setWriteTimeout(timeoutSeconds);
    if (endpoint != null && !endpoint.isBlank()) {
      URI uri = URI.create(endpoint);
      http.setProtocol(uri.getScheme() + "://");
      http.setEndpoint(uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
    }
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    this.client = new TkeClient(new Credential(secretId, secretKey), region, profile);
  }

  /** The cluster, as DescribeClusters reports it. */
  Cluster cluster(String clusterId) throws ProviderException {
    DescribeClustersRequest request = new DescribeClustersRequest();
    request.setClusterIds(new String[] {clusterId});
    DescribeClustersResponse response = call(() -> client.DescribeClusters(request), "DescribeClusters");
    if (response.getClusters() == null) {
      throw notFound(clusterId);
    }
    for (Cluster cluster : response.getClusters()) {
      if (clusterId.equals(cluster.getClusterId())) {
        return cluster;
      }
    }
    throw notFound(clusterId);
  }

  /** The cluster's kubeconfig (YAML), by its public or VPC-internal address. */
  String kubeconfig(String clusterId, boolean extranet) throws ProviderException {
    DescribeClusterKubeconfigRequest request = new DescribeClusterKubeconfigRequest();
    request.setClusterId(clusterId);
    request.setIsExtranet(extranet);
    String kubeconfig = call(() -> client.DescribeClusterKubeconfig(request), "DescribeClusterKubeconfig").getKubeconfig();
    if (kubeconfig == null || kubeconfig.isBlank()) {
      throw new ProviderException.InvalidRequest("KubeconfigUnavailable", "TKE returned no kubeconfig for cluster "
          + clusterId + (extranet ? "; is its public (extranet) API server access enabled?" : ""));
    }
    return kubeconfig;
  }

  private static ProviderException notFound(String clusterId) {
    return new ProviderException.InvalidRequest("ClusterNotFound",
        "TKE has no cluster " + clusterId + " in this region for these credentials");
  }

  @FunctionalInterface
  private interface SdkCall<T> {
    T run() throws TencentCloudSDKException;
  }

  private static <T> T call(SdkCall<T> call, String action) throws ProviderException {
    try {
      return call.run();
    } catch (TencentCloudSDKException e) {
      throw map(e, action);
    }
  }

  /** Maps an SDK error (an error code from a 200 body, or a transport failure without one) onto the taxonomy. */
  static ProviderException map(TencentCloudSDKException e, String action) {
    String code = e.getErrorCode() == null ? "" : e.getErrorCode();
    String text = "TKE " + action + " failed: " + (code.isEmpty() ? "" : code + ": ") + e.getMessage()
        + (e.getRequestId() == null || e.getRequestId().isEmpty() ? "" : " (RequestId " + e.getRequestId() + ")");
    String lower = code.toLowerCase(Locale.ROOT);
    if (code.startsWith("AuthFailure") || code.equals("UnauthorizedOperation")) {
      return new ProviderException.InvalidCredentials(text, e);
    }
    if (code.isEmpty() || code.startsWith("RequestLimitExceeded") || code.startsWith("InternalError")
        || code.startsWith("ResourceUnavailable") || code.startsWith("FailedOperation")) {
      return new ProviderException.Transient(code.isEmpty() ? "Unreachable" : "TkeApiUnavailable", text, e);
    }
    if (lower.startsWith("limitexceeded") || lower.contains("quota") || lower.startsWith("resourceinsufficient")) {
      return new ProviderException.NoCapacity(text);
    }
    if (code.startsWith("ResourceNotFound")) {
      return new ProviderException.InvalidRequest("ClusterNotFound", text);
    }
    return new ProviderException.InvalidRequest("TkeRequestRejected", text);
  }
}
