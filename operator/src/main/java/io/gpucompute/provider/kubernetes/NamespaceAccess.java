package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gpucompute.provider.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether the operator may do, in one namespace, all that the Kubernetes provider does there, asked of the API server
 * with SelfSubjectAccessReviews (which every authenticated user may create). The Helm chart grants these with a Role
 * per namespace only, so a ProviderConfig that targets any other namespace is refused before a job meets a 403.
 */
final class NamespaceAccess {

  /**
   * One permission the provider uses.
   *
   * @param verb the verb
   * @param group the API group ({@code ""} for core)
   * @param resource the resource
   * @param subresource the subresource, or {@code ""}
   */
  record Permission(String verb, String group, String resource, String subresource) {

    @Override
    public String toString() {
      return verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource)
          + (group.isEmpty() ? "" : "." + group);
    }
  }

  /** What {@link BatchJobWorkloads} does in a namespace: its Jobs, their pods and logs, and the Secrets of their env. */
  static final List<Permission> NEEDED = List.of(
      new Permission("get", "batch", "jobs", ""), new Permission("list", "batch", "jobs", ""),
      new Permission("create", "batch", "jobs", ""), new Permission("delete", "batch", "jobs", ""),
      new Permission("get", "", "pods", ""), new Permission("list", "", "pods", ""),
      new Permission("get", "", "pods", "log"),
      new Permission("get", "", "secrets", ""), new Permission("create", "", "secrets", ""),
      new Permission("update", "", "secrets", ""), new Permission("patch", "", "secrets", ""),
      new Permission("delete", "", "secrets", ""));

  private NamespaceAccess() {}

  /**
   * The permissions of {@link #NEEDED} that the operator lacks in {@code namespace}.
   *
   * @throws ProviderException when the API server does not answer (mapped as {@link KubeErrors} does)
   */
  static List<Permission> missing(KubernetesClient client, String namespace) throws ProviderException {
    List<Permission> missing = new ArrayList<>();
    for (Permission permission : NEEDED) {
      if (!ask(client, namespace, permission)) {
        missing.add(permission);
      }
    }
    return missing;
  }

  private static boolean ask(KubernetesClient client, String namespace, Permission permission)
      throws ProviderException {
    SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
        .withNamespace(namespace).withVerb(permission.verb()).withGroup(permission.group())
        .withResource(permission.resource()).withSubresource(permission.subresource())
        .endResourceAttributes().endSpec().build();
    try {
      SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
      return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    } catch (KubernetesClientException e) {
      throw KubeErrors.map(e, "this cluster", "ask whether it may " + permission
          + (namespace.isEmpty() ? "" : " in namespace " + namespace));
    }
  }

  /**
   * Asks the API server one question that only an authenticated caller may ask, whatever its rights: so a broken
   * connection or refused credentials show, without any right in any namespace.
   *
   * @throws ProviderException when the API server does not answer or refuses the credentials
   */
  static void checkCredentials(KubernetesClient client) throws ProviderException {
    ask(client, "", NEEDED.get(2));
  }

  /** Why a ProviderConfig that targets {@code namespace} is refused, naming every missing permission. Pure. */
  static String refusal(String namespace, List<Permission> missing) {
    return "the operator has no rights to run Jobs in namespace " + namespace + ": it may not "
        + missing.stream().map(Permission::toString).collect(Collectors.joining(", "))
        + "; grant them with a Role there (Helm chart: add " + namespace + " to providers.kubernetes.namespaces)";
  }
}
