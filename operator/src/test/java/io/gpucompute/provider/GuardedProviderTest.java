package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.api.v1alpha1.ProviderType;
import io.gpucompute.api.v1alpha1.RateLimit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The call limits of one ProviderConfig: the rate (a token bucket) and the calls in flight. */
class GuardedProviderTest {

  /** A provider whose observe counts its calls and may block until released. */
  private static final class CountingProvider extends QuietProvider {
    final AtomicInteger observes = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean blocks;

    @Override
    public Observation observe(WorkloadKey key) {
      observes.incrementAndGet();
      if (blocks) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Observation.notFound();
    }
  }

  private static final WorkloadKey KEY = new WorkloadKey("ns", "job", "uid", 1);

  @Test
  void callsBeyondTheRateAreRefusedAsThrottledWithoutReachingTheProvider() throws ProviderException {
    AtomicLong now = new AtomicLong();
    CountingProvider counting = new CountingProvider();
    GuardedProvider guarded = new GuardedProvider(counting, "RunPod/rp", new CallLimits(2, 3, 8), now::get);

    for (int i = 0; i < 3; i++) {
      guarded.observe(KEY);
    }
    assertThatThrownBy(() -> guarded.observe(KEY)).isInstanceOf(ProviderException.Transient.class)
        .hasMessageContaining("at most 2 times a second")
        .satisfies(e -> assertThat(((ProviderException) e).reason()).isEqualTo(GuardedProvider.THROTTLED));
    assertThat(counting.observes).hasValue(3);

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500)); // one token back
    guarded.observe(KEY);
    assertThat(counting.observes).hasValue(4);
  }

  @Test
  void aHangingProviderHoldsNoMoreThanMaxInFlightCallers() throws Exception {
    CountingProvider counting = new CountingProvider();
    counting.blocks = true;
    GuardedProvider guarded = new GuardedProvider(counting, "RunPod/rp", new CallLimits(0, 1, 2),
        TokenBucket.Clock.SYSTEM);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      callers.submit(() -> guarded.observe(KEY));
      callers.submit(() -> guarded.observe(KEY));
      org.awaitility.Awaitility.await().until(() -> counting.observes.get() == 2);

      assertThatThrownBy(() -> guarded.observe(KEY)).isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("2 calls to it are in flight");
    } finally {
      counting.release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void limitsDefaultByTypeAndFollowTheSpec() {
    ProviderConfigSpec local = new ProviderConfigSpec();
    local.setType(ProviderType.Local);
    ProviderConfigSpec runpod = new ProviderConfigSpec();
    runpod.setType(ProviderType.RunPod);
    ProviderConfigSpec tuned = new ProviderConfigSpec();
    tuned.setType(ProviderType.AlibabaECS);
    tuned.setRateLimit(new RateLimit(5, null, 3));

    assertThat(CallLimits.of(local).limited()).isFalse();
    assertThat(CallLimits.of(runpod)).isEqualTo(new CallLimits(10, 20, 8));
    assertThat(CallLimits.of(tuned)).isEqualTo(new CallLimits(5, 10, 3));
  }
}
