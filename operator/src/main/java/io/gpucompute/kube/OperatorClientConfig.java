package io.gpucompute.kube;

import io.fabric8.kubernetes.client.Config;

/**
 * The operator's client configuration: found as kubectl finds it (the pod's service account, {@code $KUBECONFIG},
 * {@code ~/.kube/config}), with a fix for a configuration that signs in with a client certificate alone.
 *
 * <p>fabric8's {@code TokenRefreshInterceptor} refreshes the configuration before a request when a minute has passed
 * since the last refresh that found a token. A configuration without a token never finds one, so after the first
 * minute every request re-read and re-parsed the kubeconfig (YAML, then the environment): under a burst of jobs that
 * was a large part of the operator's CPU (docs/performance.md). Such a configuration is given a token provider that
 * answers none, which the interceptor asks instead; a certificate is never refreshed by it anyway.
 */
public final class OperatorClientConfig {

  private OperatorClientConfig() {}

  /** The configuration found as kubectl finds it. */
  public static Config discovered() {
    return withoutRereadsForCertificates(Config.autoConfigure(null));
  }

  /** {@code config}, which no longer re-reads its source before each request when it carries no token. */
  public static Config withoutRereadsForCertificates(Config config) {
    boolean hasToken = present(config.getOauthToken()) || present(config.getAutoOAuthToken());
    boolean refreshesByItself = config.getOauthTokenProvider() != null || config.getAuthProvider() != null
        || (config.getUsername() != null && config.getPassword() != null);
    if (!hasToken && !refreshesByItself) {
      config.setOauthTokenProvider(() -> null);
    }
    return config;
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }
}
