package io.gpucompute.operator;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import io.gpucompute.api.v1alpha1.GpuPrice;
import io.gpucompute.api.v1alpha1.GpuRequest;
import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.api.v1alpha1.LocalProviderSpec;
import io.gpucompute.api.v1alpha1.ProviderConfig;
import io.gpucompute.api.v1alpha1.ProviderConfigReference;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.SecretReference;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Builders and installers of the objects the operator tests apply. */
public final class TestResources {

  private TestResources() {}

  /** Installs the generated CRDs (from the build's output on the classpath). */
  public static void installCrds(KubernetesClient client) {
    for (String name : List.of("gpujobs.gpucompute.io-v1.yml", "providerconfigs.gpucompute.io-v1.yml",
        "gpudags.gpucompute.io-v1.yml")) {
      try (InputStream in = TestResources.class.getResourceAsStream("/META-INF/fabric8/" + name)) {
        CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        client.resource(crd).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * The YAML documents of a file under the repository root (such as {@code examples/x.yaml}) that hold an object,
   * split on {@code ---}. Tests run in operator/, so the path is tried from its parent first.
   */
  public static List<String> repositoryDocuments(String file) throws java.io.IOException {
    java.nio.file.Path path = java.nio.file.Path.of("..", file);
    if (!java.nio.file.Files.exists(path)) {
      path = java.nio.file.Path.of(file);
    }
    return java.util.Arrays.stream(java.nio.file.Files.readString(path).split("(?m)^---$"))
        .filter(d -> d.contains("kind:")).toList();
  }

  public static void createNamespace(KubernetesClient client, String name, Map<String, String> labels) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
        .endMetadata().build()).create();
  }

  /** Creates Secret {@code namespace/name} with {@code data} as string data. */
  public static void createSecret(KubernetesClient client, String namespace, String name, Map<String, String> data) {
    client.resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().withStringData(data).build()).create();
  }

  /** Creates ProviderConfig {@code name} with {@code spec}, whose credentials are Secret {@code namespace/secret}. */
  public static ProviderConfig createProviderConfig(KubernetesClient client, String name, ProviderConfigSpec spec,
      String secretNamespace, String secret) {
    spec.setCredentialsSecretRef(new SecretReference(secretNamespace, secret));
    ProviderConfig config = new ProviderConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(name).build());
    config.setSpec(spec);
    return client.resource(config).create();
  }

  /**
   * A selector that names every namespace but kube-system: a Local ProviderConfig must name the namespaces it allows
   * (an empty selector is refused), and the tests' namespaces vary.
   */
  public static LabelSelector everyTestNamespace() {
    return new LabelSelectorBuilder().addNewMatchExpression().withKey("kubernetes.io/metadata.name")
        .withOperator("NotIn").withValues("kube-system").endMatchExpression().build();
  }

  /** A Local ProviderConfig with {@code gpus} declared A100s at 2 USD per GPU-hour, for {@link #everyTestNamespace}. */
  public static ProviderConfig localProvider(String name, int gpus, Consumer<ProviderConfigSpec> customize) {
    ProviderConfig config = new ProviderConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ProviderConfigSpec spec = new ProviderConfigSpec();
    spec.setType(ProviderType.Local);
    LocalProviderSpec local = new LocalProviderSpec();
    local.setGpus(List.of(new LocalGpu("A100", gpus)));
    spec.setLocal(local);
    spec.setPrices(List.of(new GpuPrice("A100", "2")));
    spec.setAllowedNamespaces(everyTestNamespace());
    customize.accept(spec);
    config.setSpec(spec);
    return config;
  }

  /** GpuDag defaults that run every task on one A100 of the Local ProviderConfig {@code local}, image busybox. */
  public static GpuJobTemplate localA100Defaults() {
    GpuJobTemplate defaults = new GpuJobTemplate();
    defaults.setProviderConfigRef(new ProviderConfigReference("local"));
    defaults.setImage("busybox:1.36");
    defaults.setGpu(GpuRequest.of("A100", 1));
    return defaults;
  }

  /**
   * A shell loop that waits until {@code file} exists: a test's command runs until the test creates the file, so the
   * test decides when the workload ends and no step races the command's own clock.
   */
  public static String untilExists(Path file) {
    return "until [ -e '" + file + "' ]; do sleep 0.1; done";
  }

  /** A job that runs {@code script} with sh on one A100 of ProviderConfig {@code provider}. */
  public static GpuJob shellJob(String namespace, String name, String provider, String script,
      Consumer<GpuJobSpec> customize) {
    GpuJob job = new GpuJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    GpuJobSpec spec = new GpuJobSpec();
    spec.setProviderConfigRef(new ProviderConfigReference(provider));
    spec.setImage("busybox:1.36");
    spec.setCommand(List.of("sh", "-c", script));
    spec.setGpu(GpuRequest.of("A100", 1));
    spec.setEnv(List.of(EnvVar.plain("GREETING", "hello")));
    customize.accept(spec);
    job.setSpec(spec);
    return job;
  }
}
