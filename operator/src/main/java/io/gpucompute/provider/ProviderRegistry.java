package io.gpucompute.provider;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import java.time.Duration;
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
 * The provider adapters by type, and one connected {@link GpuProvider} per ProviderConfig, keyed by the
 * ProviderConfig's uid: a ProviderConfig deleted and created again under the same name is another one, with a fresh
 * provider. A provider is rebuilt when its ProviderConfig's generation or credentials change, and closed when the
 * ProviderConfig is gone ({@link #disconnect}). Every provider's calls go through its {@link CallLimits}, and its
 * offers are kept for a while ({@link CachedOffers}).
 */
public final class ProviderRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private record Connected(long generation, Credentials credentials, GpuProvider provider) {}

  private final Map<ProviderType, ProviderFactory> factories = new EnumMap<>(ProviderType.class);
  private final Map<String, Connected> byUid = new ConcurrentHashMap<>();
  private final WorkloadListener listener;
  private final BiFunction<String, GpuProvider, GpuProvider> decorator;
  private final Duration offersTtl;

  public ProviderRegistry(List<ProviderFactory> factories, WorkloadListener listener) {
    this(factories, listener, (label, provider) -> provider);
  }

  /**
   * @param decorator wraps each provider built, given its label {@code <type>/<ProviderConfig name>} (metrics)
   */
  public ProviderRegistry(List<ProviderFactory> factories, WorkloadListener listener,
      BiFunction<String, GpuProvider, GpuProvider> decorator) {
    this(factories, listener, decorator, Duration.ZERO);
  }

  /**
   * @param decorator wraps each provider built, given its label {@code <type>/<ProviderConfig name>} (metrics)
   * @param offersTtl how long each provider's offers are kept ({@link CachedOffers}); zero asks every time
   */
  public ProviderRegistry(List<ProviderFactory> factories, WorkloadListener listener,
      BiFunction<String, GpuProvider, GpuProvider> decorator, Duration offersTtl) {
    factories.forEach(f -> this.factories.put(f.type(), f));
    this.listener = Objects.requireNonNull(listener, "listener");
    this.decorator = Objects.requireNonNull(decorator, "decorator");
    this.offersTtl = Objects.requireNonNull(offersTtl, "offersTtl");
  }

  /**
   * The provider of the ProviderConfig with uid {@code uid} (named {@code name}), built from its spec and credentials,
   * or the one already built for the same generation and credentials.
   */
  public GpuProvider connect(String uid, String name, long generation, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    Connected current = byUid.get(uid);
    if (current != null && current.generation() == generation && current.credentials().equals(credentials)) {
      return current.provider();
    }
    ProviderFactory factory = factories.get(spec.getType());
    if (factory == null) {
      throw new ProviderException.InvalidRequest("NotImplemented",
          "provider type " + spec.getType() + " is not built into this operator");
    }
    String label = spec.getType() + "/" + name;
    GpuProvider provider = new CachedOffers(new GuardedProvider(decorator.apply(label,
        factory.create(name, spec, credentials)), label, CallLimits.of(spec), TokenBucket.Clock.SYSTEM), offersTtl,
        TokenBucket.Clock.SYSTEM);
    provider.watch(listener);
    Connected previous = byUid.put(uid, new Connected(generation, credentials, provider));
    if (previous != null) {
      LOG.info("ProviderConfig {}: rebuilt its {} provider after a change", name, spec.getType());
      previous.provider().close();
    }
    return provider;
  }

  /** The provider last built for the ProviderConfig with uid {@code uid}, if any. */
  public Optional<GpuProvider> find(String uid) {
    return Optional.ofNullable(byUid.get(uid)).map(Connected::provider);
  }

  /** Closes and drops the provider of a ProviderConfig that is gone (its workloads were released first). */
  public void disconnect(String uid) {
    Connected removed = byUid.remove(uid);
    if (removed != null) {
      removed.provider().close();
    }
  }

  @Override
  public void close() {
    byUid.values().forEach(c -> c.provider().close());
    byUid.clear();
  }
}
