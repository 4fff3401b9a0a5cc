package io.gpucompute.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link FakeCluster} for every test. After the test and all its {@code @AfterEach} methods (so after the
 * contract suite cancels its keys), it fails the test if a Job, a pod or a container process is left; then it closes
 * the cluster.
 */
public final class FakeClusterExtension implements BeforeEachCallback, AfterEachCallback {

  /** The labels of the one fake GPU node: an A100 node. */
  public static final Map<String, String> A100_NODE = Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB");

  private FakeCluster cluster;

  public FakeCluster cluster() {
    return cluster;
  }

  /** The ground truth of the Jobs in {@code namespace}: the fake cluster's ledger and its container processes. */
  public JobGroundTruth jobsIn(String namespace) {
    return new JobGroundTruth() {
      @Override
      public int jobsCreated(String jobName) {
        return cluster.jobsCreated(namespace, jobName);
      }

      @Override
      public void assertNothingLeftRunning(String jobName) {
        assertThat(cluster.running(namespace, jobName)).as("the container of Job %s still runs", jobName).isFalse();
      }

      @Override
      public io.fabric8.kubernetes.client.KubernetesClient client() {
        return cluster.client();
      }

      @Override
      public String namespace() {
        return namespace;
      }
    };
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    cluster = new FakeCluster(List.of(A100_NODE));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      cluster.fault(null);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(cluster.jobs()).as("Jobs left after the test").isEmpty();
        assertThat(cluster.pods()).as("pods left after the test").isEmpty();
        assertThat(cluster.liveProcesses()).as("containers left running after the test").isEmpty();
      });
    } finally {
      cluster.close();
    }
  }
}
