package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.provider.ProviderException;
import java.util.Locale;

/**
 * Maps failures of Kubernetes API calls onto the provider error taxonomy:
 * <ul>
 *   <li>401: {@link ProviderException.InvalidCredentials};</li>
 *   <li>403 "exceeded quota" (a ResourceQuota on jobs, pods or nvidia.com/gpu): {@link ProviderException.NoCapacity},
 *       so the GpuJob stays Queued;</li>
 *   <li>any other 403: {@link ProviderException.Transient} with reason {@code Forbidden}, naming the verb and resource
 *       the operator lacks (RBAC can be fixed without touching the GpuJob);</li>
 *   <li>no answer (connection refused, timeout), 429 and 5xx: {@link ProviderException.Transient};</li>
 *   <li>other 4xx (a Job the API server refuses as invalid): {@link ProviderException.InvalidRequest}.</li>
 * </ul>
 * Messages name the cluster and the API server's own words, never a credential.
 */
public final class KubeErrors {

  private KubeErrors() {}

  /** The taxonomy exception for {@code e}, raised while {@code doing} (for example "create Job x in y"). */
  public static ProviderException map(KubernetesClientException e, String cluster, String doing) {
    int code = e.getCode();
    String said = serverMessage(e);
    if (code == 401) {
      return new ProviderException.InvalidCredentials(
          "the API server of " + cluster + " refused the operator's credentials (401) to " + doing, e);
    }
    if (code == 403) {
      if (quotaExceeded(e)) {
        return new ProviderException.NoCapacity("a ResourceQuota on " + cluster + " is used up: " + said);
      }
      return new ProviderException.Transient("Forbidden", "the operator may not " + doing + " on " + cluster
          + " (403): " + said + "; grant it the RBAC permission (see docs/providers)", e);
    }
    if (code <= 0 || hasIoCause(e)) {
      return new ProviderException.Transient("Unreachable",
          "could not " + doing + " on " + cluster + ": no answer from its API server (" + describeCause(e) + ")", e);
    }
    if (code == 408 || code == 429 || code >= 500) {
      return new ProviderException.Transient("ApiServerUnavailable",
          "could not " + doing + " on " + cluster + ": " + code + " " + said, e);
    }
    return new ProviderException.InvalidRequest("JobRejected",
        "the API server of " + cluster + " refused to " + doing + " (" + code + "): " + said);
  }

  /** Whether {@code e} means the operator is not authenticated or not authorised (401 or 403, quota aside). */
  public static boolean isAuthFailure(KubernetesClientException e) {
    return e.getCode() == 401
        || (e.getCode() == 403 && !quotaExceeded(e));
  }

  /** Whether the API server refused for a used-up ResourceQuota (a 403 whose message says "exceeded quota"). */
  private static boolean quotaExceeded(KubernetesClientException e) {
    return serverMessage(e).toLowerCase(Locale.ROOT).contains("exceeded quota");
  }

  static String serverMessage(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
      return status.getMessage();
    }
    return e.getMessage() == null ? "no message" : e.getMessage();
  }

  private static boolean hasIoCause(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String describeCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
