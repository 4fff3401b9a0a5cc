package io.gpucompute.secrets;

import java.util.List;

/**
 * The one place that makes text safe to leave the operator. Every status message, Event and log line passes
 * through it: {@link #scrub} replaces each secret value the operator read ({@link SecretValues}) with
 * {@value #MASK}; {@link #untrusted} also bounds text that came from outside (a provider's error message, an API
 * server's answer), which may be long or may echo what the operator sent. Pure apart from reading
 * {@link SecretValues}.
 */
public final class Scrubber {

  /** What a secret value becomes. */
  public static final String MASK = "***";
  /** The most characters of untrusted text kept by {@link #untrusted(String)}. */
  public static final int MAX_UNTRUSTED = 1024;
  /** Appended to text that {@link #untrusted} cut. */
  static final String CUT = "...";

  private Scrubber() {}

  /** {@code text} with every secret value replaced by {@value #MASK}; null stays null. */
  public static String scrub(String text) {
    SecretValues.Index index = SecretValues.index();
    if (text == null || index.byPrefix().isEmpty() || text.length() < SecretValues.MIN_SCRUBBED_LENGTH) {
      return text;
    }
    StringBuilder out = null;
    int copiedUpTo = 0;
    int last = text.length() - SecretValues.MIN_SCRUBBED_LENGTH;
    for (int i = 0; i <= last; ) {
      String match = matchAt(text, i, index);
      if (match == null) {
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copiedUpTo, i).append(MASK);
      i += match.length();
      copiedUpTo = i;
    }
    return out == null ? text : out.append(text, copiedUpTo, text.length()).toString();
  }

  /** Whether {@code text} holds a secret value that {@link #scrub} would mask. */
  public static boolean containsSecret(String text) {
    String scrubbed = scrub(text);
    return scrubbed != null && !scrubbed.equals(text);
  }

  /** {@code text} scrubbed, then cut to {@value #MAX_UNTRUSTED} characters. */
  public static String untrusted(String text) {
    return untrusted(text, MAX_UNTRUSTED);
  }

  /**
   * {@code text} scrubbed, then cut to at most {@code max} characters (the cut marked with {@value #CUT}).
   * Scrubbing comes first, so a cut never leaves the beginning of a secret value behind.
   */
  public static String untrusted(String text, int max) {
    String scrubbed = scrub(text);
    if (scrubbed == null || scrubbed.length() <= max) {
      return scrubbed;
    }
    int keep = Math.max(0, max - CUT.length());
    if (keep > 0 && Character.isHighSurrogate(scrubbed.charAt(keep - 1))) {
      keep--; // never split a surrogate pair
    }
    return scrubbed.substring(0, keep) + CUT;
  }

  /**
   * {@code text} scrubbed, then cut to its last {@code max} characters (the cut marked with {@value #CUT} in front):
   * for a log tail, whose end matters.
   */
  public static String untrustedTail(String text, int max) {
    String scrubbed = scrub(text);
    if (scrubbed == null || scrubbed.length() <= max) {
      return scrubbed;
    }
    int from = scrubbed.length() - Math.max(0, max - CUT.length());
    if (from < scrubbed.length() && Character.isLowSurrogate(scrubbed.charAt(from))) {
      from++; // never split a surrogate pair
    }
    return CUT + scrubbed.substring(from);
  }

  private static String matchAt(String text, int at, SecretValues.Index index) {
    List<String> candidates = index.byPrefix().get(text.substring(at, at + SecretValues.MIN_SCRUBBED_LENGTH));
    if (candidates != null) {
      for (String candidate : candidates) {
        if (text.startsWith(candidate, at)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
