package io.gpucompute.kube;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of each of a bounded number of strings, for values that thousands of cached objects repeat (a
 * namespace, a condition's type and reason, an image). Past its bound it hands strings back as they are, so values
 * that never repeat (names, uids) cannot fill it; give it only fields of few distinct values.
 */
public final class StringPool {

  private final int bound;
  private final ConcurrentHashMap<String, String> pool = new ConcurrentHashMap<>();

  public StringPool(int bound) {
    this.bound = bound;
  }

  /** The pooled copy of {@code value} (equal to it), or {@code value} itself; null stays null. */
  public String of(String value) {
    if (value == null) {
      return null;
    }
    String pooled = pool.get(value);
    if (pooled != null) {
      return pooled;
    }
    if (pool.size() >= bound) {
      return value;
    }
    pooled = pool.putIfAbsent(value, value);
    return pooled == null ? value : pooled;
  }

  /** How many strings it holds. */
  public int size() {
    return pool.size();
  }
}
