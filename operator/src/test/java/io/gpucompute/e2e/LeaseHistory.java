package io.gpucompute.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gpucompute.operator.GpuComputeOperator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every state of the operator's leader-election Lease in one namespace that a watch saw: who held it, since when
 * ({@code acquireTime}) and its last renewal ({@code renewTime}), as the holders wrote them (this host's clock, like
 * the test's). The ground truth of take-over times.
 */
final class LeaseHistory implements AutoCloseable {

  /** One state of the Lease. */
  record Entry(String holder, Instant acquired, Instant renewed) {}

  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final SharedIndexInformer<Lease> informer;

  LeaseHistory(KubernetesClient client, String namespace) {
    this.informer = client.resources(Lease.class).inNamespace(namespace)
        .withField("metadata.name", GpuComputeOperator.LEASE_NAME).inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Lease lease) {
            record(lease);
          }

          @Override
          public void onUpdate(Lease old, Lease lease) {
            record(lease);
          }

          @Override
          public void onDelete(Lease lease, boolean finalStateUnknown) {}
        });
  }

  private void record(Lease lease) {
    LeaseSpec spec = lease.getSpec();
    if (spec == null) {
      return;
    }
    entries.add(new Entry(spec.getHolderIdentity(),
        spec.getAcquireTime() == null ? null : spec.getAcquireTime().toInstant(),
        spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant()));
  }

  /** The holder as last seen, if any. */
  Optional<String> holder() {
    return entries.isEmpty() ? Optional.empty() : Optional.ofNullable(entries.get(entries.size() - 1).holder());
  }

  /** Waits until {@code identity} holds the Lease. */
  void awaitHolder(String identity, Duration timeout) {
    await("replica " + identity + " holds the Lease").atMost(timeout).pollInterval(Duration.ofMillis(100))
        .until(() -> holder().filter(identity::equals).isPresent());
  }

  /** The last renewal {@code identity} wrote while it held the Lease. */
  Optional<Instant> lastRenewalBy(String identity) {
    return entries.stream().filter(e -> Objects.equals(e.holder(), identity)).map(Entry::renewed)
        .filter(Objects::nonNull).max(Instant::compareTo);
  }

  /** When {@code identity} acquired the Lease, its latest acquisition. */
  Optional<Instant> acquiredBy(String identity) {
    return entries.stream().filter(e -> Objects.equals(e.holder(), identity)).map(Entry::acquired)
        .filter(Objects::nonNull).max(Instant::compareTo);
  }

  /** How many distinct renewals {@code identity} wrote. */
  long renewalsBy(String identity) {
    return entries.stream().filter(e -> Objects.equals(e.holder(), identity)).map(Entry::renewed).distinct().count();
  }

  @Override
  public void close() {
    informer.close();
  }
}
