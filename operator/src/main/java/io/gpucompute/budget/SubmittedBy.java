package io.gpucompute.budget;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/** The annotation that names who submitted a GpuJob or GpuDag, which the operator's admission webhook stamps. */
public final class SubmittedBy {

  /** The user name the API server reported for the create request, for example {@code oidc:alice}. */
  public static final String ANNOTATION = "gpucompute.io/submitted-by";
  /** Who a job without the annotation counts as (created before the webhook, or with it turned off). */
  public static final String UNKNOWN = "(unknown)";
  /** The longest user name a budget records (GpuBudget status.users[].user); a longer one is cut there. */
  public static final int MAX_LENGTH = 1024;

  private SubmittedBy() {}

  /** The object's submitter, at most {@link #MAX_LENGTH} characters, or {@link #UNKNOWN}. */
  public static String of(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String user = annotations == null ? null : annotations.get(ANNOTATION);
    if (user == null || user.isBlank()) {
      return UNKNOWN;
    }
    return user.length() > MAX_LENGTH ? user.substring(0, MAX_LENGTH) : user;
  }
}
