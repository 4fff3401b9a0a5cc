package io.gpucompute.api.v1alpha1;

/** Names shared by every kind of the {@code gpucompute.io} API group. */
public final class ApiGroup {
  /** The API group. */
  public static final String GROUP = "gpucompute.io";
  /** The version of this package. */
  public static final String VERSION = "v1alpha1";
  /** The category that makes {@code kubectl get gpucompute} list every kind of the group. */
  public static final String CATEGORY = "gpucompute";
  /** Pattern of a decimal amount of US dollars, such as {@code 2.50}. */
  public static final String DECIMAL_USD_PATTERN = "^[0-9]+(\\.[0-9]+)?$";
  /** Pattern of a DNS-1123 label, the form of Kubernetes names that become parts of other names. */
  public static final String DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /** Pattern of a DNS-1123 subdomain, the form of most Kubernetes object names (Secrets, claims). */
  public static final String DNS_SUBDOMAIN_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  /**
   * Pattern of an absolute path of one or more segments, none empty, {@code .} or {@code ..}, without a colon (which
   * a bind mount would split on) or a trailing slash.
   */
  public static final String ABSOLUTE_PATH_PATTERN =
      "^(/([^/:.][^/:]*|\\.[^/:.][^/:]*|\\.\\.[^/:]+))+$";

  private ApiGroup() {}
}
