package io.gpucompute.provider.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that turns nvidia-smi's long GPU names into the type tokens jobs ask for in {@code spec.gpu.type}.
 *
 * <p>It matches the model token inside the name rather than the whole string: {@code NVIDIA A100-SXM4-80GB} is
 * {@code A100}, {@code NVIDIA A10} is {@code A10} (not A100), {@code NVIDIA GeForce RTX 4090} is {@code RTX4090} and
 * {@code NVIDIA RTX A6000} is {@code A6000}. A name with no model token becomes a sanitized token of its own.
 */
final class GpuModelNames {

  /** Brand words that never name a model. */
  private static final Set<String> BRANDS = Set.of("NVIDIA", "TESLA", "GEFORCE", "QUADRO");

  /** Series words followed by a separate model number or model token (RTX 4090, RTX A6000, GTX 1080). */
  private static final Set<String> SERIES = Set.of("RTX", "GTX");

  /** A model token: one or two letters, digits, an optional letter suffix (H100, T4, A10G, L40S, GH200, A6000). */
  private static final Pattern MODEL = Pattern.compile("[A-Z]{1,2}[0-9]{1,4}[A-Z]?");

  private static final Pattern NUMBER = Pattern.compile("[0-9]{3,4}");

  private GpuModelNames() {}

  /** The type token for an nvidia-smi name, such as {@code H100} for {@code NVIDIA H100 80GB HBM3}. */
  static String typeOf(String name) {
    List<String> words = wordsWithoutBrands(name);
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (SERIES.contains(word) && i + 1 < words.size()) {
        String next = words.get(i + 1);
        if (MODEL.matcher(next).matches()) {
          return next; // RTX A6000 -> A6000
        }
        if (NUMBER.matcher(next).matches()) {
          boolean ti = i + 2 < words.size() && words.get(i + 2).equals("TI");
          return word + next + (ti ? "TI" : ""); // GeForce RTX 4090 -> RTX4090
        }
      }
      if (MODEL.matcher(word).matches()) {
        return word;
      }
    }
    return sanitized(words);
  }

  private static List<String> wordsWithoutBrands(String name) {
    List<String> words = new ArrayList<>();
    for (String word : name.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")) {
      if (!word.isEmpty() && !BRANDS.contains(word)) {
        words.add(word);
      }
    }
    return words;
  }

  private static String sanitized(List<String> words) {
    return words.isEmpty() ? "UNKNOWN" : String.join("-", words);
  }
}
