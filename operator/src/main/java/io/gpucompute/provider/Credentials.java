package io.gpucompute.provider;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The decoded data of a credentials Secret. {@link #toString} names the keys only, so a credential never
 * reaches a log by accident.
 */
public final class Credentials {

  /** No credentials. */
  public static final Credentials NONE = new Credentials(Map.of());

  private final Map<String, String> values;

  public Credentials(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** The value of {@code key}, if present. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The value of {@code key}.
   *
   * @throws ProviderException.InvalidRequest naming the missing key (never a value)
   */
  public String require(String key) throws ProviderException.InvalidRequest {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new ProviderException.InvalidRequest("CredentialsKeyMissing",
          "the credentials Secret has no key '" + key + "' (it has: " + new TreeSet<>(values.keySet()) + ")");
    }
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credentials that && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Credentials" + new TreeSet<>(values.keySet());
  }
}
