package io.gpucompute.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.JobPhase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes {@code /metrics} of an operator that ran a job on the mock API server with the Local provider: every
 * meter of docs/metrics.md is there, with low-cardinality labels only.
 */
class MetricsEndpointTest {

  private static final String NS = "team-m";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET_LOOKING_VALUE = "s3cr3t-value-that-must-not-leak";

  @TempDir
  Path stateDir;

  private MockCluster cluster;
  private KubernetesClient client;
  private GpuComputeOperator operator;
  private HealthServer server;

  @BeforeEach
  void start() throws Exception {
    cluster = MockCluster.start();
    client = cluster.client();
    TestResources.createNamespace(client, NS, Map.of());
    operator = cluster.startOperator(MockCluster.fastSettings(stateDir));
    server = HealthServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), operator::healthy,
        operator::healthy, () -> operator.metrics().scrape());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    client.resources(GpuJob.class).inAnyNamespace().delete();
    await().atMost(WAIT).until(() -> client.resources(GpuJob.class).inAnyNamespace().list().getItems().isEmpty());
    operator.close();
    cluster.close();
  }

  @Test
  void theEndpointServesJosdkAndGpucomputeMeters() throws Exception {
    client.resource(TestResources.localProvider("local", 1, spec -> {})).create();
    client.resource(TestResources.shellJob(NS, "metered", "local", "sleep 1; echo done",
        spec -> spec.setEnv(List.of(EnvVar.plain("TOKEN", SECRET_LOOKING_VALUE))))).create();
    await().atMost(WAIT).until(() -> client.resources(GpuJob.class).inNamespace(NS).withName("metered").get(),
        job -> job.getStatus() != null && job.getStatus().getPhase() == JobPhase.Succeeded);

    String provider = "Local/local";
    await().atMost(WAIT).untilAsserted(() -> assertThat(value(scrape(),
        "gpucompute_jobs{namespace=\"" + NS + "\",phase=\"Succeeded\",provider=\"" + provider + "\"}")).isEqualTo(1.0));
    String text = scrape();

    assertThat(value(text, "gpucompute_job_cost_usd_total{namespace=\"" + NS + "\",provider=\"" + provider + "\"}"))
        .as("1 s on one A100 at 2 USD/GPU-hour").isGreaterThan(0.0).isLessThan(0.01);
    assertThat(value(text, "gpucompute_queue_wait_seconds_count{provider=\"" + provider + "\"}")).isEqualTo(1.0);
    assertThat(value(text, "gpucompute_provider_requests_seconds_count{operation=\"submit\",outcome=\"success\","
        + "provider=\"" + provider + "\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(value(text, "gpucompute_provider_requests_seconds_count{operation=\"observe\",outcome=\"success\","
        + "provider=\"" + provider + "\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(text).as("JOSDK's reconcile metrics").contains("operator_sdk_reconciliations_executions");
    assertThat(text).doesNotContain(SECRET_LOOKING_VALUE).doesNotContain("name=\"metered\"");
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The value of the sample line that starts with {@code series}, or NaN when there is none. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
