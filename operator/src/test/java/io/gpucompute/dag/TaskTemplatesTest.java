package io.gpucompute.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.api.v1alpha1.DagTask;
import io.gpucompute.api.v1alpha1.ClaimVolumeSource;
import io.gpucompute.api.v1alpha1.EmptyDirVolumeSource;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.ImagePullSecret;
import io.gpucompute.api.v1alpha1.Volume;
import io.gpucompute.api.v1alpha1.VolumeSource;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.ProviderConfigReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTemplatesTest {

  private static GpuJobTemplate defaults() {
    GpuJobTemplate defaults = new GpuJobTemplate();
    defaults.setProviderConfigRef(new ProviderConfigReference("local"));
    defaults.setImage("busybox:1.36");
    defaults.setCommand(List.of("sh", "-c", "echo default"));
    defaults.setArgs(List.of("x"));
    defaults.setEnv(List.of(EnvVar.plain("A", "default-a"), EnvVar.plain("B", "default-b")));
    defaults.setGpu(GpuRequest.of("A100", 1));
    defaults.setBackoffLimit(2);
    return defaults;
  }

  @Test
  void aTemplateFieldWinsAsAWholeAndEnvIsMergedByName() {
    GpuJobTemplate template = new GpuJobTemplate();
    template.setCommand(List.of("python", "train.py"));
    template.setGpu(GpuRequest.of("H100", 8));
    template.setEnv(List.of(EnvVar.plain("B", "task-b"), EnvVar.plain("C", "task-c")));
    template.setBackoffLimit(0);

    GpuJobSpec spec = TaskTemplates.merge(defaults(), template);

    assertThat(spec.getProviderConfigRef().getName()).isEqualTo("local");
    assertThat(spec.getImage()).isEqualTo("busybox:1.36");
    assertThat(spec.getCommand()).containsExactly("python", "train.py");
    assertThat(spec.getArgs()).as("args are a field of their own").containsExactly("x");
    assertThat(spec.getGpu()).isEqualTo(GpuRequest.of("H100", 8));
    assertThat(spec.getEnv()).containsExactly(EnvVar.plain("A", "default-a"), EnvVar.plain("B", "task-b"),
        EnvVar.plain("C", "task-c"));
    assertThat(spec.getBackoffLimit()).as("an explicit 0 wins over the default").isZero();
    assertThat(spec.getSuspend()).isNull();
    assertThat(spec.getTtlSecondsAfterFinished()).isNull();
  }

  @Test
  void pullSecretsAndVolumesOfTheTemplateReplaceTheDefaultsAsAWhole() {
    GpuJobTemplate defaults = defaults();
    defaults.setImagePullSecrets(List.of(new ImagePullSecret("registry-login")));
    defaults.setVolumes(List.of(new Volume("data", "/data", true,
        new VolumeSource(new ClaimVolumeSource("imagenet"), null, null))));
    GpuJobTemplate template = new GpuJobTemplate();
    template.setVolumes(List.of(new Volume("scratch", "/scratch", null,
        new VolumeSource(null, null, new EmptyDirVolumeSource()))));

    GpuJobSpec spec = TaskTemplates.merge(defaults, template);

    assertThat(spec.getImagePullSecrets()).containsExactly(new ImagePullSecret("registry-login"));
    assertThat(spec.getVolumes()).extracting(Volume::getName).containsExactly("scratch");
    assertThat(TaskTemplates.merge(null, null).getVolumes()).isEmpty();
  }

  @Test
  void withoutDefaultsOrTemplateTheSpecIsEmptyAndTheMissingFieldsAreNamed() {
    assertThat(TaskTemplates.merge(null, null).getCommand()).isEmpty();
    assertThat(TaskTemplates.missingFields(null, null)).containsExactly("providerConfigRef", "image", "gpu");
    assertThat(TaskTemplates.missingFields(defaults(), null)).isEmpty();
  }

  @Test
  void aChildJobIsNamedAfterItsDagAndTaskLabelledAndOwnedByTheDag() {
    GpuDag dag = new GpuDag();
    dag.setMetadata(new ObjectMetaBuilder().withName("pipeline").withNamespace("team-a").withUid("uid-1").build());
    GpuDagSpec spec = new GpuDagSpec();
    spec.setDefaults(defaults());
    spec.setSuspend(true);
    dag.setSpec(spec);

    GpuJob job = ChildJobBuilder.build(dag, new DagTask("train", new ArrayList<>(), null));

    assertThat(job.getMetadata().getName()).isEqualTo("pipeline-train");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(job.getMetadata().getLabels()).containsEntry("gpucompute.io/dag", "pipeline")
        .containsEntry("gpucompute.io/task", "train");
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getKind()).isEqualTo("GpuDag");
      assertThat(owner.getApiVersion()).isEqualTo("gpucompute.io/v1alpha1");
      assertThat(owner.getUid()).isEqualTo("uid-1");
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    });
    assertThat(job.getSpec().getSuspend()).as("a suspended DAG's jobs start suspended").isTrue();
    assertThat(ChildJobState.of(job, "uid-1").owned()).isTrue();
    assertThat(ChildJobState.of(job, "uid-2").owned()).isFalse();
  }
}
