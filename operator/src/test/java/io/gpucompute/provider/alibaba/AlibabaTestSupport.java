package io.gpucompute.provider.alibaba;

import io.gpucompute.api.v1alpha1.AlibabaProviderSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/** Building blocks of the AlibabaECS adapter's tests. */
final class AlibabaTestSupport {

  /** Short timeouts, so that a stalled answer is a timeout within the test. */
  static final AlibabaSettings SETTINGS = new AlibabaSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), 200, 30);

  private AlibabaTestSupport() {}

  /** An AlibabaECS ProviderConfig spec aimed at {@code stub}. */
  static ProviderConfigSpec spec(EcsStub stub, Consumer<AlibabaProviderSpec> customize) {
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.AlibabaECS);
    spec.setRegion(EcsStub.REGION);
    spec.setEndpoint(stub.url());
    AlibabaProviderSpec alibaba = new AlibabaProviderSpec();
    alibaba.setSecurityGroupId(EcsStub.SECURITY_GROUP);
    alibaba.setVSwitchId(EcsStub.VSWITCH);
    alibaba.setZoneId(EcsStub.ZONE);
    alibaba.setImageId("m-stubgpuimage01");
    customize.accept(alibaba);
    spec.setAlibaba(alibaba);
    return spec;
  }

  static Credentials credentials() {
    return credentials(EcsStub.ACCESS_KEY_ID, EcsStub.ACCESS_KEY_SECRET);
  }

  static Credentials credentials(String id, String secret) {
    return new Credentials(Map.of(AlibabaEcsProviderFactory.ACCESS_KEY_ID, id,
        AlibabaEcsProviderFactory.ACCESS_KEY_SECRET, secret));
  }

  static WorkloadKey newKey(String name) {
    String uid = UUID.randomUUID().toString();
    return new WorkloadKey("team-a", name + "-" + uid.substring(0, 6), uid, 1);
  }

  /** A workload that runs {@code script} with {@code sh -c} on {@code count} GPUs of {@code type}. */
  static WorkloadSpec shell(WorkloadKey key, String type, int count, String script, Map<String, String> env) {
    return new WorkloadSpec(key, "nvcr.example/cuda:12.4", List.of("sh", "-c"), List.of(script), env,
        new GpuDemand(type, count, null), null, null);
  }

  static WorkloadSpec shell(WorkloadKey key, String script) {
    return shell(key, "A10", 1, script, Map.of());
  }
}
