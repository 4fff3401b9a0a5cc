package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.api.v1alpha1.GpuBudget;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server itself refuses invalid GpuJobs, by the schema of the committed CRD. kubectl runs with
 * {@code --validate=false}: otherwise, against an API server without server-side field validation, kubectl's
 * own client-side schema check would refuse some of them before the server sees them.
 */
@E2eTest
class SchemaValidationIT {

  private ControlPlane cluster;
  private String ns;

  @BeforeEach
  void createNamespace(ControlPlane cluster) {
    this.cluster = cluster;
    ns = "e2e-schema-" + UUID.randomUUID().toString().substring(0, 6);
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  @AfterEach
  void deleteNamespace() {
    cluster.client().namespaces().withName(ns).delete();
  }

  private String job(String name, String image, int gpus) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuJob
        metadata:
          name: %s
          namespace: %s
        spec:
          providerConfigRef:
            name: local
        %s  command: ["sh", "-c", "echo hi"]
          gpu:
            type: A100
            count: %d
        """.formatted(name, ns, image == null ? "" : "  image: " + image + "\n", gpus);
  }

  private Kubectl.Result applyServerValidated(String yaml) {
    return cluster.kubectl().runWithInput(yaml, "apply", "--validate=false", "-f", "-");
  }

  @Test
  void aValidJobIsAcceptedByAServerSideDryRun() {
    cluster.kubectl().runWithInput(job("valid", "busybox:1.36", 1), "apply", "--validate=false", "--dry-run=server", "-f", "-")
        .assertSuccess();
  }

  @Test
  void aGpuCountOfZeroIsRefusedNamingTheField() {
    Kubectl.Result result = applyServerValidated(job("no-gpus", "busybox:1.36", 0));

    assertThat(result.exitCode()).as("%s", result).isNotZero();
    assertThat(result.stderr()).contains("spec.gpu.count").contains("greater than or equal to 1");
    assertThat(cluster.client().resources(GpuJob.class).inNamespace(ns).withName("no-gpus").get()).isNull();
  }

  @Test
  void anOversizedJobIsRefusedNamingTheFieldAndItsLimit() {
    String tooManyArgs = job("many-args", "busybox:1.36", 1).replace("  command: [\"sh\", \"-c\", \"echo hi\"]\n",
        "  command: [" + String.join(", ", java.util.Collections.nCopies(65, "\"x\"")) + "]\n");
    String longImage = job("long-image", "busybox:" + "1".repeat(1100), 1);

    Kubectl.Result args = applyServerValidated(tooManyArgs);
    Kubectl.Result image = applyServerValidated(longImage);

    assertThat(args.exitCode()).as("%s", args).isNotZero();
    assertThat(args.stderr()).contains("spec.command").contains("at most 64 items");
    assertThat(image.exitCode()).as("%s", image).isNotZero();
    assertThat(image.stderr()).contains("spec.image").contains("at most 1024");
    assertThat(cluster.client().resources(GpuJob.class).inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void aJobWithoutAnImageIsRefusedNamingTheField() {
    Kubectl.Result result = applyServerValidated(job("no-image", null, 1));

    assertThat(result.exitCode()).as("%s", result).isNotZero();
    assertThat(result.stderr()).contains("spec.image").contains("Required value");
    assertThat(cluster.client().resources(GpuJob.class).inNamespace(ns).withName("no-image").get()).isNull();
  }

  /**
   * What java-operator-sdk sends to put its finalizer on an object: a server-side apply of the metadata alone. Applied
   * to an object that was deleted a moment before, it would make a new one, without a spec, that no controller can
   * read; the schema requires a spec, so the API server refuses it.
   */
  @Test
  void aFinalizerAppliedToAnObjectThatIsGoneMakesNoObjectOfAnyKind() {
    List<HasMetadata> ghosts = List.of(new GpuJob(), new GpuDag(), new GpuBudget(), new ProviderConfig());
    for (HasMetadata ghost : ghosts) {
      String name = "gone-" + UUID.randomUUID().toString().substring(0, 6);
      ghost.setMetadata(new ObjectMetaBuilder().withName(name)
          .withNamespace(ghost instanceof ProviderConfig ? null : ns).withFinalizers("gpucompute.io/e2e").build());
      var apply = cluster.client().resource(ghost).fieldManager("gpujob").forceConflicts();

      assertThatThrownBy(apply::serverSideApply).as(ghost.getKind()).isInstanceOfSatisfying(
          KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec", "Required value");
          });
      assertThat(cluster.client().resource(ghost).get()).as(ghost.getKind() + " " + name).isNull();
    }
  }
}
