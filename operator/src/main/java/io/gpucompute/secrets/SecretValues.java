package io.gpucompute.secrets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every secret value this operator process has read: the data of each Secret it read by name (ProviderConfig
 * credentials, GpuJob {@code env[].valueFrom.secretKeyRef}). {@link io.gpucompute.kube.SecretData} registers them as
 * it reads them, so no code path can use a Secret's value before the {@link Scrubber} knows it.
 *
 * <p>Each value is remembered in the forms in which it shows up in text: as is, JSON-escaped (as an API echoes it
 * inside a JSON string) and Base64 (as a Kubernetes Secret's data holds it). Values are kept for the life of the
 * process: a value that was rotated away may still sit in a message that is on its way out.
 *
 * <p>Thread-safe. Reads (every log line) see an immutable index; a new value rebuilds it.
 */
public final class SecretValues {

  /**
   * Values shorter than this are not scrubbed: they hide nothing ({@code "1"}, {@code "true"}), and replacing them
   * would mangle ordinary words and numbers in every message.
   */
  public static final int MIN_SCRUBBED_LENGTH = 4;

  private static final Object LOCK = new Object();
  private static final Set<String> raw = new LinkedHashSet<>();
  private static volatile Index index = Index.EMPTY;

  private SecretValues() {}

  /** Remembers {@code values} (nulls ignored) as secret. */
  public static void remember(Collection<String> values) {
    synchronized (LOCK) {
      boolean added = false;
      for (String value : values) {
        if (value != null && !value.isEmpty()) {
          added |= raw.add(value);
        }
      }
      if (added) {
        index = Index.of(raw);
      }
    }
  }

  static Index index() {
    return index;
  }

  /**
   * The forms to look for, by their first {@link #MIN_SCRUBBED_LENGTH} characters, longest first within each bucket
   * (so a value that contains another is masked as a whole).
   */
  record Index(Map<String, List<String>> byPrefix) {

    static final Index EMPTY = new Index(Map.of());

    static Index of(Collection<String> values) {
      Set<String> forms = new LinkedHashSet<>();
      for (String value : values) {
        forms.add(value);
        forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
        forms.add(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
      }
      Map<String, List<String>> byPrefix = new HashMap<>();
      for (String form : forms) {
        if (form.length() >= MIN_SCRUBBED_LENGTH) {
          byPrefix.computeIfAbsent(form.substring(0, MIN_SCRUBBED_LENGTH), k -> new ArrayList<>()).add(form);
        }
      }
      byPrefix.replaceAll((prefix, list) -> list.stream()
          .sorted(Comparator.comparingInt(String::length).reversed()).toList());
      return new Index(Map.copyOf(byPrefix));
    }
  }
}
