package io.gpucompute.admission;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a provider can run at once.
 *
 * @param maxConcurrentJobs the most jobs at once, or null for no limit
 * @param gpusByType a fixed GPU inventory by type (upper-cased); a type absent from it is on demand, unlimited
 */
public record Capacity(Integer maxConcurrentJobs, Map<String, Integer> gpusByType) {

  /** No limits at all. */
  public static final Capacity UNLIMITED = new Capacity(null, Map.of());

  public Capacity {
    gpusByType = gpusByType.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toUpperCase(Locale.ROOT), Map.Entry::getValue, Integer::sum));
  }

  /** The inventory of {@code type}, or null when unlimited. */
  Integer gpus(String type) {
    return gpusByType.get(type.toUpperCase(Locale.ROOT));
  }
}
