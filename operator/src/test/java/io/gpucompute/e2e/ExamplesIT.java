package io.gpucompute.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.gpucompute.api.v1alpha1.DagPhase;
import io.gpucompute.api.v1alpha1.GpuDag;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.api.v1alpha1.JobPhase;
import io.gpucompute.e2e.ExampleFiles.Example;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The files of examples/, as they are: the real API server accepts every one ({@code kubectl apply --dry-run=server})
 * without dropping a field, and every GpuJob and GpuDag example that runs on a Local ProviderConfig of the examples
 * runs to its end. The others need what a test host lacks (a GPU node that runs images, a cloud account).
 */
class ExamplesIT extends OperatorE2eTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DAG_WAIT = Duration.ofMinutes(3);

  @Test
  void theApiServerAcceptsEveryExampleAsItIsAndDropsNoField() {
    List<Example> examples = ExampleFiles.all(cluster.repoRoot());
    assertThat(examples).extracting(Example::path).contains("examples/alibaba-providerconfig.yaml",
        "examples/quickstart/00-provider-local.yaml", "examples/gpudag-pipeline.yaml");
    // A dry run of a Namespace creates none, and the objects in it would be refused for want of it.
    List<String> created = createMissingNamespaces(examples);
    try {
      for (Example example : examples) {
        Kubectl.Result result = kubectl.run("apply", "--dry-run=server", "-f", example.path(), "-o", "json");
        assertThat(result.succeeded()).as("kubectl apply --dry-run=server -f %s:\n%s", example.path(), result)
            .isTrue();
        List<JsonNode> answered = objects(json(result.stdout()));
        for (JsonNode object : example.objects()) {
          if (object.path("apiVersion").asText().startsWith("gpucompute.io/")) {
            JsonNode stored = answered.stream().filter(a -> ExampleFiles.kind(a).equals(ExampleFiles.kind(object))
                && ExampleFiles.name(a).equals(ExampleFiles.name(object))).findFirst()
                .orElseThrow(() -> new AssertionError("kubectl did not answer with " + ExampleFiles.kind(object) + " "
                    + ExampleFiles.name(object) + " of " + example.path() + ":\n" + result));
            assertThat(differences("spec", object.path("spec"), stored.path("spec")))
                .as("fields of %s %s in %s that the API server drops or changes (not in the CRD's schema)",
                    ExampleFiles.kind(object), ExampleFiles.name(object), example.path())
                .isEmpty();
          }
        }
      }
    } finally {
      deleteNamespaces(created);
    }
  }

  @Test
  void everyExampleThatRunsOnLocalRunsToItsEnd() {
    List<Example> examples = ExampleFiles.all(cluster.repoRoot());
    Set<String> local = ExampleFiles.localProviderConfigs(examples);
    assertThat(local).as("the Local ProviderConfigs of examples/").contains("local");
    // The ProviderConfigs first, then what runs on them.
    Set<Example> applied = new LinkedHashSet<>();
    examples.stream().filter(e -> e.declares(local)).forEach(applied::add);
    examples.stream().filter(e -> e.runsOn(local)).forEach(applied::add);
    List<JsonNode> jobs = new ArrayList<>();
    List<JsonNode> dags = new ArrayList<>();
    for (Example example : applied) {
      kubectl.run("apply", "-f", example.path()).assertSuccess();
      example.objects().stream().filter(o -> ExampleFiles.kind(o).equals("GpuJob")).forEach(jobs::add);
      example.objects().stream().filter(o -> ExampleFiles.kind(o).equals("GpuDag")).forEach(dags::add);
    }
    assertThat(jobs).extracting(ExampleFiles::name).contains("hello", "flaky");
    assertThat(dags).extracting(ExampleFiles::name).contains("hello-dag", "pipeline");

    for (JsonNode job : jobs) {
      kubectlWait(ExampleFiles.namespace(job), ExampleFiles.name(job), "Complete");
    }
    for (JsonNode dag : dags) {
      kubectlWait(ExampleFiles.namespace(dag), "gpudag/" + ExampleFiles.name(dag), "Complete", DAG_WAIT);
    }

    GpuJobStatus hello = job("default", "hello").getStatus();
    assertThat(hello.getPhase()).isEqualTo(JobPhase.Succeeded);
    assertThat(hello.getExitCode()).isZero();
    assertThat(hello.getLogTail()).contains("hello from GPU(s) ").contains("done");
    assertThat(hello.getAccruedCost()).matches("\\d+\\.\\d+");
    assertThat(hello.getProvider()).isEqualTo("Local/local");
    assertThat(hello.getAttempts()).isEqualTo(1);

    GpuJobStatus flaky = job("default", "flaky").getStatus();
    assertThat(flaky.getPhase()).isEqualTo(JobPhase.Succeeded);
    assertThat(flaky.getAttempts()).isEqualTo(2);
    assertThat(flaky.getFailures()).isEqualTo(1);
    assertThat(flaky.getExitCode()).isZero();
    assertThat(flaky.getLogTail()).contains("attempt 2");

    GpuDag pipeline = client.resources(GpuDag.class).inNamespace("default").withName("pipeline").get();
    assertThat(pipeline.getStatus().getPhase()).isEqualTo(DagPhase.Succeeded);
    assertThat(pipeline.getStatus().getProgress()).isEqualTo("4/4");
    assertThat(pipeline.getStatus().getAccruedCost()).matches("\\d+\\.\\d+");
    assertThat(client.resources(GpuJob.class).inNamespace("default").withLabel("gpucompute.io/dag", "pipeline").list()
        .getItems())
        .hasSize(4)
        .allSatisfy(child -> assertThat(child.getMetadata().getOwnerReferences())
            .anySatisfy(owner -> assertThat(owner.getUid()).isEqualTo(pipeline.getMetadata().getUid())));
  }

  /**
   * Where {@code actual} differs from {@code expected}, as paths: a field of {@code expected} that {@code actual}
   * lacks, or a value it holds otherwise. Fields {@code actual} has beyond those do not count.
   */
  static List<String> differences(String path, JsonNode expected, JsonNode actual) {
    List<String> found = new ArrayList<>();
    if (expected.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = actual.get(field.getKey());
        if (value == null) {
          found.add(path + "." + field.getKey());
        } else {
          found.addAll(differences(path + "." + field.getKey(), field.getValue(), value));
        }
      }
    } else if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        found.add(path);
      } else {
        for (int i = 0; i < expected.size(); i++) {
          found.addAll(differences(path + "[" + i + "]", expected.get(i), actual.get(i)));
        }
      }
    } else if (!expected.asText().equals(actual.asText())) {
      found.add(path + " (" + expected + " became " + actual + ")");
    }
    return found;
  }

  /** Creates, for real, the namespaces the examples declare or put objects in that do not exist yet. */
  private List<String> createMissingNamespaces(List<Example> examples) {
    List<String> created = new ArrayList<>();
    examples.stream().flatMap(e -> e.objects().stream())
        .flatMap(o -> ExampleFiles.kind(o).equals("Namespace") ? Stream.of(ExampleFiles.name(o))
            : o.path("metadata").has("namespace") ? Stream.of(ExampleFiles.namespace(o)) : Stream.empty())
        .distinct().filter(ns -> client.namespaces().withName(ns).get() == null).forEach(ns -> {
          client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
              .create();
          created.add(ns);
        });
    return created;
  }

  /** Deletes the namespaces and waits until they are gone, so that a later test may create them again. */
  private void deleteNamespaces(List<String> names) {
    names.forEach(ns -> client.namespaces().withName(ns).delete());
    await("namespaces " + names + " gone").atMost(WAIT).pollInterval(POLL)
        .until(() -> names.stream().allMatch(ns -> client.namespaces().withName(ns).get() == null));
  }

  private static List<JsonNode> objects(JsonNode answer) {
    if (!answer.path("kind").asText().equals("List")) {
      return List.of(answer);
    }
    List<JsonNode> items = new ArrayList<>();
    answer.path("items").forEach(items::add);
    return items;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("kubectl's answer is not JSON: " + text, e);
    }
  }
}
