package io.gpucompute.provider.kubernetes;

/**
 * What a test knows first-hand about the batch Jobs of one namespace, whoever plays the cluster (a
 * {@link FakeCluster} on the mock server, or the loopback kubelet on the real API server).
 */
public interface JobGroundTruth {

  /** How many Jobs named {@code jobName} were created. */
  int jobsCreated(String jobName);

  /** Fails the test when a container of Job {@code jobName} still runs. */
  void assertNothingLeftRunning(String jobName);
}
