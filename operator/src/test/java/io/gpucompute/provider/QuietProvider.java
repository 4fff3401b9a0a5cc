package io.gpucompute.provider;

import java.util.List;

/** A provider that is ready, offers nothing, accepts every submit and knows no workload: tests override what they watch. */
public class QuietProvider implements GpuProvider {

  @Override
  public ProbeResult probe() {
    return ProbeResult.ready("ok");
  }

  @Override
  public List<Offer> offers() throws ProviderException {
    return List.of();
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    return new SubmitResult("id", null);
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    return Observation.notFound();
  }

  @Override
  public void cancel(WorkloadKey key) {}
}
