package io.gpucompute.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.gpucompute.secrets.Scrubber;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes a status's conditions the Kubernetes way: one condition per type, a CamelCase reason,
 * and a {@code lastTransitionTime} that changes only when the condition's status flips. Every message passes the
 * {@link Scrubber} and is cut to {@value #MAX_MESSAGE} characters, the CRDs' limit, so a condition never shows a
 * secret value and never makes the API server refuse a status write.
 */
public final class Conditions {

  /** Condition status values. */
  public static final String TRUE = "True";
  public static final String FALSE = "False";

  /** The longest condition message the CRDs take ({@code status.conditions[].message}). */
  public static final int MAX_MESSAGE = 32768;

  private Conditions() {}

  /** The condition of {@code type}, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of {@code type} is present and True. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /**
   * Returns a copy of {@code conditions} with the condition of {@code type} set. Keeps the old
   * {@code lastTransitionTime} when the status did not flip, so a status rewritten with the same facts is
   * equal to the old one and is not patched.
   */
  public static List<Condition> with(List<Condition> conditions, String type, boolean status, String reason,
      String message, Long observedGeneration, Instant now) {
    String statusValue = status ? TRUE : FALSE;
    Optional<Condition> existing = find(conditions, type);
    String transitionTime = existing.filter(c -> statusValue.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElse(Timestamps.format(now));
    Condition updated = new Condition(transitionTime, Scrubber.untrusted(message, MAX_MESSAGE), observedGeneration,
        reason, statusValue, type);
    List<Condition> result = new ArrayList<>();
    boolean replaced = false;
    for (Condition condition : conditions == null ? List.<Condition>of() : conditions) {
      if (type.equals(condition.getType())) {
        result.add(updated);
        replaced = true;
      } else {
        result.add(condition);
      }
    }
    if (!replaced) {
      result.add(updated);
    }
    return result;
  }

}
