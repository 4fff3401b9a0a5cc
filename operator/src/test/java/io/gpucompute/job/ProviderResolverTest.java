package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigStatus;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.providerconfig.ProviderConfigCondition;
import io.gpucompute.status.Conditions;
import io.gpucompute.provider.FakeGpuProvider;
import io.gpucompute.provider.GpuProvider;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderResolverTest {

  private static ProviderConfig config(boolean ready, String reason, boolean stalled) {
    ProviderConfig pc = new ProviderConfig();
    pc.setMetadata(new ObjectMetaBuilder().withName("local").withGeneration(3L).build());
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.AlibabaECS);
    pc.setSpec(spec);
    ProviderConfigStatus status = new ProviderConfigStatus();
    status.setObservedGeneration(3L);
    List<Condition> conditions = Conditions.with(null, ProviderConfigCondition.READY, ready, reason, "why", 3L,
        TestJobs.T0);
    status.setConditions(Conditions.with(conditions, ProviderConfigCondition.STALLED, stalled, reason, "why", 3L,
        TestJobs.T0));
    pc.setStatus(status);
    return pc;
  }

  private static ProviderView resolve(ProviderConfig pc) {
    GpuJob job = TestJobs.job();
    GpuProvider connected = new FakeGpuProvider(new FakeGpuProvider.Cloud(List.of("A100"), 1));
    return ProviderResolver.resolve(job, Optional.of(pc), Optional.empty(), Optional.of(connected));
  }

  @Test
  void aProviderConfigStalledOnItsSpecStallsItsJobsWithItsReason() {
    ProviderView view = resolve(config(false, "ConfigInvalid", true));

    assertThat(view).isInstanceOfSatisfying(ProviderView.Blocked.class, blocked -> {
      assertThat(blocked.stalled()).isTrue();
      assertThat(blocked.reason()).isEqualTo("ConfigInvalid");
      assertThat(blocked.message()).contains("ConfigInvalid").contains("why");
    });
  }

  @Test
  void aProviderConfigNotReadyForAPassingReasonMakesItsJobsWaitWithoutStalling() {
    ProviderView view = resolve(config(false, "NoGpus", false));

    assertThat(view).isInstanceOfSatisfying(ProviderView.Blocked.class, blocked -> {
      assertThat(blocked.stalled()).isFalse();
      assertThat(blocked.reason()).isEqualTo(JobReason.PROVIDER_NOT_READY.toString());
    });
  }

  @Test
  void aReadyProviderConfigIsUsable() {
    assertThat(resolve(config(true, "ProbeSucceeded", false))).isInstanceOf(ProviderView.Usable.class);
  }

  @Test
  void aProviderConfigBeingDeletedTakesNoNewAttempts() {
    ProviderConfig deleting = config(true, "ProbeSucceeded", false);
    deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");

    assertThat(resolve(deleting)).isInstanceOfSatisfying(ProviderView.Blocked.class, blocked -> {
      assertThat(blocked.reason()).isEqualTo(JobReason.PROVIDER_CONFIG_DELETING.toString());
      assertThat(blocked.stalled()).isFalse();
    });
  }
}
