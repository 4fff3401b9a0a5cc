package io.gpucompute.provider.alibaba;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link EcsStub} for every test. After the test and all its {@code @AfterEach} methods (so after the
 * contract suite cancels its keys), it fails the test if the ledger still holds a live instance, if a released
 * instance left a process behind, or if the adapter sent anything the stub had to flag; then it closes the stub.
 */
final class EcsStubExtension implements BeforeEachCallback, AfterEachCallback {

  private EcsStub stub;

  EcsStub stub() {
    return stub;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    stub = new EcsStub();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      assertThat(stub.violations()).as("what the stub flagged in the adapter's requests").isEmpty();
      assertThat(stub.liveInstances()).as("instances left live in the ledger after the test")
          .extracting(i -> i.id + " " + i.tags.get("gpucompute.io/workload")).isEmpty();
      assertThat(stub.allInstances()).as("released instances whose processes are still running")
          .allSatisfy(i -> assertThat(i.gone()).as("instance %s is gone", i.id).isTrue());
    } finally {
      stub.close();
    }
  }
}
