package io.gpucompute.provider.alibaba;

import io.gpucompute.api.v1alpha1.AlibabaInstanceType;
import io.gpucompute.provider.ProviderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which ECS instance types serve a GPU type and count: the ProviderConfig's {@code alibaba.instanceTypes} first,
 * then the built-in table (T4 gn6i, V100 gn6v, A10 gn7i, A100 gn7e then gn7).
 *
 * <p>Of the built-in table only {@code ecs.gn7i-c8g1.2xlarge} (1 A10) and {@code ecs.gn6v-c8g1.2xlarge} (1 V100)
 * are confirmed by Alibaba's public documentation; the others follow the families' naming and are to be checked
 * against the region's offer (DescribeAvailableResource) before relying on them. A configured entry always wins.
 */
final class AlibabaGpuTypes {

  /** One instance type that has {@code gpuCount} GPUs of {@code gpuType}. */
  record Candidate(String gpuType, int gpuCount, String instanceType) {}

  /** The built-in table, in the order tried. */
  static final List<Candidate> BUILT_IN = List.of(
      new Candidate("T4", 1, "ecs.gn6i-c4g1.xlarge"),
      new Candidate("T4", 2, "ecs.gn6i-c24g1.12xlarge"),
      new Candidate("T4", 4, "ecs.gn6i-c24g1.24xlarge"),
      new Candidate("V100", 1, "ecs.gn6v-c8g1.2xlarge"),
      new Candidate("V100", 4, "ecs.gn6v-c8g1.8xlarge"),
      new Candidate("V100", 8, "ecs.gn6v-c8g1.16xlarge"),
      new Candidate("A10", 1, "ecs.gn7i-c8g1.2xlarge"),
      new Candidate("A10", 2, "ecs.gn7i-2x.8xlarge"),
      new Candidate("A10", 4, "ecs.gn7i-4x.16xlarge"),
      new Candidate("A100", 1, "ecs.gn7e-c16g1.4xlarge"),
      new Candidate("A100", 8, "ecs.gn7e-c16g1.32xlarge"),
      new Candidate("A100", 8, "ecs.gn7-c13g1.26xlarge"));

  /** Memory per GPU in GiB of the built-in GPU types (A100: the 80 GB of gn7e). */
  static final Map<String, Integer> MEMORY_GIB = Map.of("T4", 16, "V100", 16, "A10", 24, "A100", 80);

  private final List<Candidate> all;

  private AlibabaGpuTypes(List<Candidate> all) {
    this.all = all;
  }

  /** The configured entries, then the built-in ones. */
  static AlibabaGpuTypes of(List<AlibabaInstanceType> configured) {
    List<Candidate> all = new ArrayList<>();
    for (AlibabaInstanceType entry : configured == null ? List.<AlibabaInstanceType>of() : configured) {
      all.add(new Candidate(normal(entry.getGpuType()), entry.getGpuCount(), entry.getInstanceType()));
    }
    all.addAll(BUILT_IN);
    return new AlibabaGpuTypes(List.copyOf(all));
  }

  /** The GPU types offered, in table order. */
  Set<String> gpuTypes() {
    return all.stream().map(Candidate::gpuType).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Per GPU type, the candidate with the fewest GPUs (the first such): what offers are priced with. */
  Map<String, Candidate> smallest() {
    Map<String, Candidate> smallest = new LinkedHashMap<>();
    for (Candidate candidate : all) {
      smallest.merge(candidate.gpuType(), candidate, (a, b) -> b.gpuCount() < a.gpuCount() ? b : a);
    }
    return smallest;
  }

  /**
   * The instance types to try, in order, for {@code count} GPUs of {@code gpuType}; never empty.
   *
   * @throws ProviderException.InvalidRequest naming the GPU types or counts there are, when none fits
   */
  List<Candidate> candidates(String gpuType, int count) throws ProviderException.InvalidRequest {
    String type = normal(gpuType);
    List<Candidate> ofType = all.stream().filter(c -> c.gpuType().equals(type)).toList();
    if (ofType.isEmpty()) {
      throw new ProviderException.InvalidRequest("UnsupportedGpuType", "AlibabaECS has no instance type for GPU type '"
          + gpuType + "'; offered: " + String.join(", ", gpuTypes())
          + " (add one under spec.alibaba.instanceTypes)");
    }
    List<String> seen = new ArrayList<>();
    List<Candidate> fit = new ArrayList<>();
    for (Candidate candidate : ofType) {
      if (candidate.gpuCount() == count && !seen.contains(candidate.instanceType())) {
        seen.add(candidate.instanceType());
        fit.add(candidate);
      }
    }
    if (fit.isEmpty()) {
      throw new ProviderException.InvalidRequest("UnsupportedGpuCount", "AlibabaECS has no instance type with "
          + count + " x " + type + "; counts known: "
          + ofType.stream().map(c -> String.valueOf(c.gpuCount())).distinct().collect(Collectors.joining(", "))
          + " (add one under spec.alibaba.instanceTypes)");
    }
    return fit;
  }

  private static String normal(String gpuType) {
    return gpuType == null ? "" : gpuType.trim().toUpperCase(Locale.ROOT);
  }
}
