package io.gpucompute.provider.alibaba;

import io.gpucompute.api.v1alpha1.AlibabaInstanceType;
import io.gpucompute.provider.ComputeDemand;
import io.gpucompute.provider.GpuDemand;
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

  /**
   * One instance type that has {@code gpuCount} GPUs of {@code gpuType}, with its vCPUs and memory where known (null:
   * unknown, taken to fit).
   */
  record Candidate(String gpuType, int gpuCount, String instanceType, Integer vcpus, Integer memoryGiB) {

    Candidate(String gpuType, int gpuCount, String instanceType) {
      this(gpuType, gpuCount, instanceType, null, null);
    }

    /** Whether the instance type has at least the CPUs and memory the workload asks for. */
    boolean fits(ComputeDemand compute) {
      return (compute.cpu() == null || vcpus == null || vcpus >= compute.cpu())
          && (compute.memoryGiB() == null || memoryGiB == null || memoryGiB >= compute.memoryGiB());
    }

    /** The instance family, for example {@code ecs.gn7i}. */
    String family() {
      int dash = instanceType.indexOf('-');
      return dash < 0 ? instanceType : instanceType.substring(0, dash);
    }

    String size() {
      return instanceType + (vcpus == null ? "" : " (" + vcpus + " vCPU, " + memoryGiB + " GiB)");
    }
  }

  /** The built-in table, in the order tried among those that fit (the smallest first). */
  static final List<Candidate> BUILT_IN = List.of(
      new Candidate("T4", 1, "ecs.gn6i-c4g1.xlarge", 4, 15),
      new Candidate("T4", 1, "ecs.gn6i-c8g1.2xlarge", 8, 31),
      new Candidate("T4", 1, "ecs.gn6i-c16g1.4xlarge", 16, 62),
      new Candidate("T4", 2, "ecs.gn6i-c24g1.12xlarge", 48, 186),
      new Candidate("T4", 4, "ecs.gn6i-c24g1.24xlarge", 96, 372),
      new Candidate("V100", 1, "ecs.gn6v-c8g1.2xlarge", 8, 32),
      new Candidate("V100", 4, "ecs.gn6v-c8g1.8xlarge", 32, 128),
      new Candidate("V100", 8, "ecs.gn6v-c8g1.16xlarge", 64, 256),
      new Candidate("A10", 1, "ecs.gn7i-c8g1.2xlarge", 8, 30),
      new Candidate("A10", 1, "ecs.gn7i-c16g1.4xlarge", 16, 60),
      new Candidate("A10", 1, "ecs.gn7i-c32g1.8xlarge", 32, 188),
      new Candidate("A10", 2, "ecs.gn7i-2x.8xlarge", 32, 128),
      new Candidate("A10", 4, "ecs.gn7i-4x.16xlarge", 64, 256),
      new Candidate("A100", 1, "ecs.gn7e-c16g1.4xlarge", 16, 125),
      new Candidate("A100", 8, "ecs.gn7e-c16g1.32xlarge", 128, 1000),
      new Candidate("A100", 8, "ecs.gn7-c13g1.26xlarge", 104, 760));

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
      all.add(new Candidate(normal(entry.getGpuType()), entry.getGpuCount(), entry.getInstanceType(),
          entry.getVcpus(), entry.getMemoryGiB()));
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
   * The instance types to try, in order, for the workload's GPUs, CPUs and memory; never empty: of those with
   * {@code gpu.count} GPUs of the type whose vCPUs and memory fit {@code compute}, every configured one, then the
   * first (smallest) built-in one of each instance family, so the job gets the smallest instance that holds it.
   *
   * @throws ProviderException.InvalidRequest naming the GPU types, counts or sizes there are, when none fits
   */
  List<Candidate> candidates(GpuDemand gpu, ComputeDemand compute) throws ProviderException.InvalidRequest {
    String type = normal(gpu.type());
    List<Candidate> ofType = all.stream().filter(c -> c.gpuType().equals(type)).toList();
    if (ofType.isEmpty()) {
      throw new ProviderException.InvalidRequest("UnsupportedGpuType", "AlibabaECS has no instance type for GPU type '"
          + gpu.type() + "'; offered: " + String.join(", ", gpuTypes())
          + " (add one under spec.alibaba.instanceTypes)");
    }
    Integer perGpu = MEMORY_GIB.get(type);
    if (gpu.memoryGiB() != null && perGpu != null && gpu.memoryGiB() > perGpu) {
      throw new ProviderException.InvalidRequest("InsufficientGpuMemory", "AlibabaECS's " + type + " instance types "
          + "have " + perGpu + " GiB per GPU, less than spec.gpu.memoryGiB " + gpu.memoryGiB());
    }
    List<Candidate> ofCount = ofType.stream().filter(c -> c.gpuCount() == gpu.count()).toList();
    if (ofCount.isEmpty()) {
      throw new ProviderException.InvalidRequest("UnsupportedGpuCount", "AlibabaECS has no instance type with "
          + gpu.count() + " x " + type + "; counts known: "
          + ofType.stream().map(c -> String.valueOf(c.gpuCount())).distinct().collect(Collectors.joining(", "))
          + " (add one under spec.alibaba.instanceTypes)");
    }
    // Every configured type that fits, in its order; of the built-in ones, the smallest fitting type of each family:
    // a stock-out moves to another family, never to a bigger size of the same one, which would cost more than the job
    // asked for.
    List<String> families = new ArrayList<>();
    List<Candidate> fit = new ArrayList<>();
    ofCount.stream().filter(c -> c.fits(compute)).forEach(c -> {
      boolean builtIn = BUILT_IN.contains(c);
      if (fit.stream().noneMatch(f -> f.instanceType().equals(c.instanceType()))
          && (!builtIn || !families.contains(c.family()))) {
        fit.add(c);
        if (builtIn) {
          families.add(c.family());
        }
      }
    });
    if (fit.isEmpty()) {
      throw new ProviderException.InvalidRequest("UnsupportedInstanceSize", "AlibabaECS has no instance type with "
          + gpu.count() + " x " + type + " and " + (compute.cpu() == null ? "" : compute.cpu() + " vCPU ")
          + (compute.memoryGiB() == null ? "" : compute.memoryGiB() + " GiB memory ") + "(spec.resources); there are: "
          + ofCount.stream().map(Candidate::size).collect(Collectors.joining(", "))
          + " (add one under spec.alibaba.instanceTypes)");
    }
    return fit;
  }

  private static String normal(String gpuType) {
    return gpuType == null ? "" : gpuType.trim().toUpperCase(Locale.ROOT);
  }
}
