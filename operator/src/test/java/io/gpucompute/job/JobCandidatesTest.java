package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.AttemptRecord;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuOffer;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.api.v1alpha1.JobPlacement;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderConfigStatus;
import io.gpucompute.api.v1alpha1.ProviderType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobCandidatesTest {

  private static ProviderConfig config(String name, Map<String, String> labels, String... gpuTypes) {
    ProviderConfig pc = new ProviderConfig();
    pc.setMetadata(new ObjectMetaBuilder().withName(name).withUid("uid-" + name).withLabels(labels).build());
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Local);
    pc.setSpec(spec);
    ProviderConfigStatus status = new ProviderConfigStatus();
    for (String type : gpuTypes) {
      status.getOffers().add(new GpuOffer(type, type, 4, 80, "1"));
    }
    pc.setStatus(status);
    return pc;
  }

  private static final List<ProviderConfig> ALL = List.of(config("zeta", Map.of("tier", "cheap"), "A100"),
      config("alpha", Map.of("tier", "fast"), "H100"), config("mid", Map.of("tier", "cheap")));

  private static GpuJob placed(JobPlacement placement) {
    return TestJobs.job(s -> {
      s.setProviderConfigRef(null);
      s.setPlacement(placement);
    });
  }

  @Test
  void aReferenceNamesTheOneCandidate() {
    assertThat(JobCandidates.names(TestJobs.job(), ALL)).containsExactly("local");
    assertThat(JobCandidates.queueKeys(TestJobs.job())).containsExactly("local");
  }

  @Test
  void listedProvidersAreCandidatesInTheirOrderOnce() {
    JobPlacement placement = new JobPlacement();
    placement.setProviders(List.of("zeta", "alpha", "zeta"));

    assertThat(JobCandidates.names(placed(placement), ALL)).containsExactly("zeta", "alpha");
    assertThat(JobCandidates.queueKeys(placed(placement))).containsExactly("zeta", "alpha");
  }

  @Test
  void aSelectorPicksProviderConfigsByLabelInNameOrder() {
    JobPlacement placement = new JobPlacement();
    placement.setSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "cheap")).build());

    assertThat(JobCandidates.names(placed(placement), ALL)).containsExactly("mid", "zeta");
    assertThat(JobCandidates.queueKeys(placed(placement))).containsExactly(JobCandidates.ANY);
    assertThat(JobCandidates.includes(placed(placement), ALL.get(1))).isFalse();
  }

  @Test
  void withoutPlacementEveryProviderConfigIsACandidate() {
    assertThat(JobCandidates.names(placed(null), ALL)).containsExactly("alpha", "mid", "zeta");
  }

  @Test
  void aJobHoldingAWorkloadIsInTheQueueOfItsAttemptOnly() {
    GpuJob job = TestJobs.withStatus(placed(null), s -> {
      s.setPhase(JobPhase.Running);
      s.setWorkload(new AttemptRecord(1, "w", "zeta", "uid-zeta", null));
    });

    assertThat(JobCandidates.queueKeys(job)).containsExactly("zeta");
  }

  @Test
  void aJobQueuesOnlyWhereItsGpuTypeIsOfferedAndItsNamespaceAllowed() {
    GpuJob a100 = placed(null);
    ProviderConfig fenced = config("fenced", Map.of(), "A100");
    fenced.getSpec().setAllowedNamespaces(new LabelSelectorBuilder().withMatchLabels(Map.of("team", "b")).build());

    assertThat(JobCandidates.mayQueueOn(a100, ALL.get(0), Map.of())).isTrue();
    assertThat(JobCandidates.mayQueueOn(a100, ALL.get(1), Map.of())).as("H100 only").isFalse();
    assertThat(JobCandidates.mayQueueOn(a100, ALL.get(2), Map.of())).as("lists no offers").isTrue();
    assertThat(JobCandidates.mayQueueOn(a100, fenced, Map.of("team", "a"))).isFalse();
    assertThat(JobCandidates.mayQueueOn(a100, fenced, Map.of("team", "b"))).isTrue();
  }
}
