package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link RunPodStub} for every test. After the test and all its {@code @AfterEach} methods (so after the
 * contract suite cancels its keys), it fails the test if a pod or a serverless request is still live, or if the
 * adapter sent anything the stub had to flag; then it closes the stub.
 */
public final class RunPodStubExtension implements BeforeEachCallback, AfterEachCallback {

  private final String apiKey;
  private RunPodStub stub;

  /** Stubs that accept {@link RunPodStub#API_KEY}. */
  public RunPodStubExtension() {
    this(RunPodStub.API_KEY);
  }

  /** Stubs that accept {@code apiKey}. */
  public RunPodStubExtension(String apiKey) {
    this.apiKey = apiKey;
  }

  public RunPodStub stub() {
    return stub;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    stub = new RunPodStub(apiKey);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (stub == null) {
      return; // the test was skipped before this extension's beforeEach (GPUCOMPUTE_E2E_SKIP in an e2e class)
    }
    try {
      assertThat(stub.violations()).as("what the stub flagged in the adapter's requests").isEmpty();
      assertThat(stub.livePods()).as("pods left live after the test").extracting(p -> p.id + " " + p.name).isEmpty();
      assertThat(stub.liveJobs()).as("serverless requests left live after the test").extracting(j -> j.id).isEmpty();
    } finally {
      stub.close();
      stub = null;
    }
  }
}
