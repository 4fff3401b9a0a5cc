package io.gpucompute.provider;

import java.util.Objects;

/**
 * The identity of one attempt of one job: what makes {@link GpuProvider#submit} idempotent.
 *
 * @param namespace the job's namespace
 * @param name the job's name
 * @param uid the job's uid, which tells apart a job from a later one of the same name
 * @param attempt the attempt number, from 1
 */
public record WorkloadKey(String namespace, String name, String uid, int attempt) {

  public WorkloadKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
    }
  }

  /**
   * A deterministic name for the attempt's workload, valid as a DNS-1123 label (at most 63 characters):
   * {@code gpujob-<uid>-<attempt>}. Adapters use it to look a workload up before creating one.
   */
  public String workloadName() {
    return "gpujob-" + NOT_IN_NAME.matcher(uid.toLowerCase()).replaceAll("") + "-" + attempt;
  }

  /**
   * The key behind a {@link #workloadName()}, with the job's namespace and name given (a provider that keeps only the
   * name passes placeholders); empty when {@code name} is not a workload name.
   */
  public static java.util.Optional<WorkloadKey> fromWorkloadName(String name, String namespace, String jobName) {
    java.util.regex.Matcher m = WORKLOAD_NAME.matcher(name == null ? "" : name);
    if (!m.matches()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(new WorkloadKey(namespace, jobName, m.group(1), Integer.parseInt(m.group(2))));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private static final java.util.regex.Pattern NOT_IN_NAME = java.util.regex.Pattern.compile("[^a-z0-9-]");
  private static final java.util.regex.Pattern WORKLOAD_NAME = java.util.regex.Pattern.compile(
      "gpujob-([a-z0-9-]+)-([1-9][0-9]{0,8})");

  @Override
  public String toString() {
    return namespace + "/" + name + "#" + attempt;
  }
}
