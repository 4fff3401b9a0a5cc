package io.gpucompute.provider;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider adapters by type, and one connected {@link GpuProvider} per ProviderConfig. A provider is
 * rebuilt only when its ProviderConfig's generation or credentials change.
 */
public final class ProviderRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private record Connected(long generation, Credentials credentials, GpuProvider provider) {}

  private final Map<ProviderType, ProviderFactory> factories = new EnumMap<>(ProviderType.class);
  private final Map<String, Connected> byConfigName = new ConcurrentHashMap<>();
  private final WorkloadListener listener;
  private final BiFunction<String, GpuProvider, GpuProvider> decorator;

  public ProviderRegistry(List<ProviderFactory> factories, WorkloadListener listener) {
    this(factories, listener, (label, provider) -> provider);
  }

  /**
   * @param decorator wraps each provider built, given its label {@code <type>/<ProviderConfig name>} (metrics)
   */
  public ProviderRegistry(List<ProviderFactory> factories, WorkloadListener listener,
      BiFunction<String, GpuProvider, GpuProvider> decorator) {
    factories.forEach(f -> this.factories.put(f.type(), f));
    this.listener = Objects.requireNonNull(listener, "listener");
    this.decorator = Objects.requireNonNull(decorator, "decorator");
  }

  /** Whether an adapter for {@code type} is built into this operator. */
  public boolean supports(ProviderType type) {
    return factories.containsKey(type);
  }

  /**
   * The provider of ProviderConfig {@code name}, built from its spec and credentials, or the one already built
   * for the same generation and credentials.
   */
  public GpuProvider connect(String name, long generation, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    Connected current = byConfigName.get(name);
    if (current != null && current.generation() == generation && current.credentials().equals(credentials)) {
      return current.provider();
    }
    ProviderFactory factory = factories.get(spec.getType());
    if (factory == null) {
      throw new ProviderException.InvalidRequest("NotImplemented",
          "provider type " + spec.getType() + " is not built into this operator yet");
    }
    GpuProvider provider = decorator.apply(spec.getType() + "/" + name, factory.create(name, spec, credentials));
    provider.watch(listener);
    Connected previous = byConfigName.put(name, new Connected(generation, credentials, provider));
    if (previous != null) {
      LOG.info("ProviderConfig {}: rebuilt its {} provider after a change", name, spec.getType());
      previous.provider().close();
    }
    return provider;
  }

  /** The provider last built for ProviderConfig {@code name}, if any. */
  public Optional<GpuProvider> find(String name) {
    return Optional.ofNullable(byConfigName.get(name)).map(Connected::provider);
  }

  /** Forgets (and closes) the provider of a ProviderConfig that was deleted. */
  public void forget(String name) {
    Connected removed = byConfigName.remove(name);
    if (removed != null) {
      removed.provider().close();
    }
  }

  @Override
  public void close() {
    byConfigName.values().forEach(c -> c.provider().close());
    byConfigName.clear();
  }
}
