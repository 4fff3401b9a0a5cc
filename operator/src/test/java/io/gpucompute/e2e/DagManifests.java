package io.gpucompute.e2e;

import java.util.List;

/** GpuDag manifests for the e2e tests: every task runs the same shell script on one A100 of a ProviderConfig. */
final class DagManifests {

  private DagManifests() {}

  /** The first task, then all but the last side by side, then the last. */
  static String wide(String namespace, String name, String provider, int parallelism, List<String> tasks,
      String script) {
    StringBuilder yaml = new StringBuilder(head(namespace, name, provider, parallelism, script));
    String first = tasks.get(0);
    List<String> middle = tasks.subList(1, tasks.size() - 1);
    task(yaml, first, List.of());
    middle.forEach(t -> task(yaml, t, List.of(first)));
    task(yaml, tasks.get(tasks.size() - 1), middle);
    return yaml.toString();
  }

  /** The tasks one after the other. */
  static String chain(String namespace, String name, String provider, List<String> tasks, String script) {
    StringBuilder yaml = new StringBuilder(head(namespace, name, provider, 1, script));
    for (int i = 0; i < tasks.size(); i++) {
      task(yaml, tasks.get(i), i == 0 ? List.of() : List.of(tasks.get(i - 1)));
    }
    return yaml.toString();
  }

  private static void task(StringBuilder yaml, String name, List<String> dependsOn) {
    yaml.append("    - name: ").append(name).append('\n');
    if (!dependsOn.isEmpty()) {
      yaml.append("      dependsOn: [").append(String.join(", ", dependsOn)).append("]\n");
    }
  }

  private static String head(String namespace, String name, String provider, int parallelism, String script) {
    return """
        apiVersion: gpucompute.io/v1alpha1
        kind: GpuDag
        metadata:
          name: %s
          namespace: %s
        spec:
          parallelism: %d
          defaults:
            providerConfigRef:
              name: %s
            image: busybox:1.36
            command: ["sh", "-c", %s]
            gpu:
              type: A100
              count: 1
          tasks:
        """.formatted(name, namespace, parallelism, provider, OperatorE2eTestBase.yamlString(script));
  }
}
