package io.gpucompute.provider.tencent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.TencentProviderSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.kubernetes.FakeClusterExtension;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link TkeStub} for every test, whose kubeconfig points at the test's {@link FakeClusterExtension} (the
 * "remote" TKE cluster; register that extension first, so its check that no Job is left runs after the keys are
 * cancelled). After the test it fails on anything the stub flagged in a correctly signed request.
 */
final class TkeStubExtension implements BeforeEachCallback, AfterEachCallback {

  /** The namespace on the TKE cluster that the Jobs run in. */
  static final String NAMESPACE = "gpu-jobs";

  private final FakeClusterExtension remote;
  private TkeStub stub;

  TkeStubExtension(FakeClusterExtension remote) {
    this.remote = remote;
  }

  TkeStub stub() {
    return stub;
  }

  /** A TencentTKE spec for the stub's cluster that offers A100 (the fake node) by node labels. */
  ProviderConfigSpec spec(Consumer<TencentProviderSpec> customize) {
    return spec(stub, NAMESPACE, customize);
  }

  /** A TencentTKE spec for the cluster of {@code stub}, Jobs in {@code namespace}, A100 on the fake node's labels. */
  static ProviderConfigSpec spec(TkeStub stub, String namespace, Consumer<TencentProviderSpec> customize) {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.TencentTKE);
    spec.setRegion(TkeStub.REGION);
    spec.setEndpoint(stub.endpoint());
    TencentProviderSpec tencent = new TencentProviderSpec();
    tencent.setClusterId(TkeStub.CLUSTER_ID);
    tencent.setNamespace(namespace);
    tencent.setGpuNodeSelectors(Map.of("A100", FakeClusterExtension.A100_NODE));
    customize.accept(tencent);
    spec.setTencent(tencent);
    return spec;
  }

  GpuProvider provider(Consumer<TencentProviderSpec> customize) throws ProviderException {
    return provider(spec(customize));
  }

  /** A TencentTKE provider of {@code spec}, with the key pair the stub knows. */
  static GpuProvider provider(ProviderConfigSpec spec) throws ProviderException {
    return provider(spec, TkeStub.SECRET_KEY);
  }

  /** A TencentTKE provider of {@code spec}, with {@link TkeStub#SECRET_ID} and {@code secretKey}. */
  static GpuProvider provider(ProviderConfigSpec spec, String secretKey) throws ProviderException {
    return new TencentTkeProviderFactory(Duration.ofSeconds(5)).create("tke", spec,
        new Credentials(TkeStub.credentials(TkeStub.SECRET_ID, secretKey)));
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    stub = new TkeStub(remote.cluster().url());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      assertThat(stub.violations()).as("what the TKE stub flagged in signed requests").isEmpty();
    } finally {
      stub.close();
    }
  }
}
