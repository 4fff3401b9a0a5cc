package io.gpucompute.provider.alibaba;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import java.util.Map;

/**
 * The ECS stub as {@code io.gpucompute.bench} uses it, from another package: an AlibabaECS ProviderConfig aimed at it,
 * its key pair, and how often each action was called.
 */
public final class EcsStubForBench implements AutoCloseable {

  /** A GPU type the stub sells (one A10 per ecs.gn7i-c8g1.2xlarge). */
  public static final String GPU_TYPE = "A10";

  private final EcsStub stub = new EcsStub();

  /** An AlibabaECS ProviderConfig spec whose endpoint is this stub; the caller adds the credentials reference. */
  public ProviderConfigSpec spec() {
    return AlibabaTestSupport.spec(stub, alibaba -> {});
  }

  /** The Secret data of the stub's key pair. */
  public Map<String, String> credentials() {
    return Map.of(AlibabaEcsProviderFactory.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_ID,
        AlibabaEcsProviderFactory.ACCESS_KEY_SECRET, EcsStub.ACCESS_KEY_SECRET);
  }

  /** How often {@code action} (such as DescribePrice) was called so far. */
  public long calls(String action) {
    return stub.calls(action);
  }

  /** Calls of every action so far. */
  public long calls() {
    return stub.actions().size();
  }

  @Override
  public void close() {
    stub.close();
  }
}
