package io.gpucompute.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gpucompute.api.v1alpha1.GpuJob;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubmittedByTest {

  private static GpuJob annotated(Map<String, String> annotations) {
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder().withName("j").withAnnotations(annotations).build());
    return job;
  }

  @Test
  void theStampNamesTheUserAndAJobWithoutOneCountsAsUnknown() {
    assertThat(SubmittedBy.of(annotated(Map.of(SubmittedBy.ANNOTATION, "oidc:alice")))).isEqualTo("oidc:alice");
    assertThat(SubmittedBy.of(annotated(null))).isEqualTo("(unknown)");
    assertThat(SubmittedBy.of(annotated(Map.of(SubmittedBy.ANNOTATION, " ")))).isEqualTo("(unknown)");
  }

  @Test
  void aUserNameLongerThanTheBudgetStatusAllowsIsCut() {
    String longName = "oidc:" + "a".repeat(2000);

    assertThat(SubmittedBy.of(annotated(Map.of(SubmittedBy.ANNOTATION, longName))))
        .hasSize(SubmittedBy.MAX_LENGTH).startsWith("oidc:aaa");
  }
}
