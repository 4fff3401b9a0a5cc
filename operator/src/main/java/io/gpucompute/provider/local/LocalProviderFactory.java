package io.gpucompute.provider.local;

import io.gpucompute.api.v1alpha1.LocalGpu;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.ProviderFactory;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Local providers, which run jobs as processes on the operator's host. The factory owns what the host has
 * only once: the GPU allocator (rebuilt from the state directory on construction) and the per-workload locks, shared
 * by every Local ProviderConfig.
 */
public final class LocalProviderFactory implements ProviderFactory {

  private static final Logger log = LoggerFactory.getLogger(LocalProviderFactory.class);
  private static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(10);

  private final LocalHost host;

  public LocalProviderFactory(LocalSettings settings) {
    this.host = LocalHost.start(settings);
  }

  @Override
  public ProviderType type() {
    return ProviderType.Local;
  }

  @Override
  public GpuProvider create(String configName, ProviderConfigSpec spec, Credentials credentials)
      throws ProviderException {
    PriceTable prices = PriceTable.of(spec.getPrices());
    List<LocalGpu> declared = spec.getLocal() == null || spec.getLocal().getGpus() == null
        ? List.of() : spec.getLocal().getGpus();
    List<GpuDevice> detected = new NvidiaSmiInventory(host.settings().nvidiaSmi(), NVIDIA_SMI_TIMEOUT).read();
    GpuInventory inventory = GpuInventory.choose(detected, declared);
    if (inventory.source() == GpuInventory.Source.NVIDIA_SMI && !declared.isEmpty()) {
      log.info("ProviderConfig {}: nvidia-smi reports {}, so spec.local.gpus is ignored", configName,
          inventory.describe());
    }
    return new LocalGpuProvider(configName, host, inventory, prices,
        new LocalVolumes(spec.getLocal() == null ? List.of() : spec.getLocal().getAllowedHostPaths()));
  }
}
