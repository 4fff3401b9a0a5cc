package io.gpucompute.provider.local;

import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderFactory;
import io.gpucompute.providerconfig.NamespaceSelector;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Local providers, which run jobs as processes on the operator's host. The factory owns what the host has
 * only once: the GPU allocator (rebuilt from the state directory on construction) and the per-workload locks, shared
 * by every Local ProviderConfig.
 *
 * <p>Local is opt-in and fenced: with {@link LocalSettings#enabled()} off the factory touches nothing on the host and
 * refuses every Local ProviderConfig ({@value #DISABLED}); a Local ProviderConfig must name the namespaces that may
 * use it ({@value #ALLOWED_NAMESPACES_REQUIRED}), since whoever may create a GpuJob there runs a process on the
 * operator's host.
 */
public final class LocalProviderFactory implements ProviderFactory {

  /** The reason of a Local ProviderConfig on an operator that does not serve Local. */
  public static final String DISABLED = "LocalProviderDisabled";
  /** The reason of a Local ProviderConfig whose allowedNamespaces allows every namespace. */
  public static final String ALLOWED_NAMESPACES_REQUIRED = "AllowedNamespacesRequired";
  /** The reason of a Local ProviderConfig when workloads should run as other users and cannot. */
  public static final String RUN_AS_UNAVAILABLE = "RunAsUnavailable";

  private static final Logger log = LoggerFactory.getLogger(LocalProviderFactory.class);
  private static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(10);

  private final LocalHost host;

  public LocalProviderFactory(LocalSettings settings) {
    this.host = settings.enabled() ? LocalHost.start(settings) : null;
  }

  @Override
  public ProviderType type() {
    return ProviderType.Local;
  }

  @Override
  public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    if (host == null) {
      throw new ProviderException.InvalidRequest(DISABLED, "this operator does not serve the Local provider, which "
          + "runs jobs as processes on the operator's host (docs/security.md); enable it with "
          + "GPUCOMPUTE_LOCAL_PROVIDER_ENABLED=true (Helm chart: providers.local.enabled=true)");
    }
    if (NamespaceSelector.allowsEveryNamespace(spec.getAllowedNamespaces())) {
      throw new ProviderException.InvalidRequest(ALLOWED_NAMESPACES_REQUIRED, "a Local ProviderConfig must name "
          + "the namespaces whose GpuJobs may run processes on the operator's host: set spec.allowedNamespaces, "
          + "for example matchLabels: {kubernetes.io/metadata.name: team-a}");
    }
    if (host.runAsProblem().isPresent()) {
      throw new ProviderException.InvalidRequest(RUN_AS_UNAVAILABLE, host.runAsProblem().get());
    }
    PriceTable prices = PriceTable.of(spec.getPrices());
    List<LocalGpu> declared = spec.getLocal() == null || spec.getLocal().getGpus() == null
        ? List.of() : spec.getLocal().getGpus();
    List<GpuDevice> detected = new NvidiaSmiInventory(host.settings().nvidiaSmi(), NVIDIA_SMI_TIMEOUT).read();
    GpuInventory inventory = GpuInventory.choose(detected, declared);
    if (inventory.source() == GpuInventory.Source.NVIDIA_SMI && !declared.isEmpty()) {
      log.info("ProviderConfig {}: nvidia-smi reports {}, so spec.local.gpus is ignored", configName,
          inventory.describe());
    }
    return new LocalProvider(configName, host, inventory, prices,
        new LocalVolumes(spec.getLocal() == null ? List.of() : spec.getLocal().getAllowedHostPaths()));
  }
}
