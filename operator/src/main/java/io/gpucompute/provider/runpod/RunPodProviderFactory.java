package io.gpucompute.provider.runpod;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.RunPodProviderSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderFactory;
import okhttp3.OkHttpClient;

/**
 * Builds RunPod providers: pods by default, or requests to one serverless endpoint when
 * {@code spec.runpod.endpointId} is set. The API key is the credentials Secret's key {@value #API_KEY}. Every
 * provider of this factory shares one HTTP client (connection pool and threads) and one {@link RunPodSharedState}.
 */
public final class RunPodProviderFactory implements ProviderFactory {

  /** The credentials Secret's key that holds the RunPod API key. */
  public static final String API_KEY = "apiKey";

  private final RunPodSettings settings;
  private final OkHttpClient client;
  private final RunPodSharedState shared = new RunPodSharedState();

  public RunPodProviderFactory() {
    this(RunPodSettings.DEFAULT);
  }

  public RunPodProviderFactory(RunPodSettings settings) {
    this.settings = settings;
    this.client = new OkHttpClient.Builder()
        .callTimeout(settings.callTimeout())
        .connectTimeout(settings.callTimeout())
        .readTimeout(settings.callTimeout())
        .writeTimeout(settings.callTimeout())
        // A deploy is not idempotent at RunPod: never resend one silently; the operator retries, and looks first.
        .retryOnConnectionFailure(false)
        .build();
  }

  @Override
  public ProviderType type() {
    return ProviderType.RunPod;
  }

  @Override
  public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    RunPodProviderSpec runpod = spec.getRunpod() == null ? new RunPodProviderSpec() : spec.getRunpod();
    RunPodHttp http = new RunPodHttp(client, credentials.require(API_KEY));
    RunPodEndpoints endpoints = RunPodEndpoints.of(spec.getEndpoint());
    RunPodGraphQl graphQl = new RunPodGraphQl(http, endpoints.graphql());
    if (runpod.getEndpointId() != null && !runpod.getEndpointId().isBlank()) {
      return new RunPodServerlessProvider(configName, runpod.getEndpointId(), http, endpoints, graphQl, shared);
    }
    return new RunPodPodProvider(configName, graphQl, new PodLogs(http, endpoints, settings), settings,
        PodRequest.PodSettings.of(runpod, settings), shared);
  }
}
