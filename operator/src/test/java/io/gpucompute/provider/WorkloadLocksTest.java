package io.gpucompute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkloadLocksTest {

  private final WorkloadLocks locks = new WorkloadLocks();

  @Test
  void runsTheActionsOfOneKeyOneAtATimeAndForgetsIdleLocks() throws Exception {
    WorkloadKey key = new WorkloadKey("ns", "job", "uid", 1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(threads.submit(() -> {
          start.await();
          return locks.withLock(key, () -> {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.yield();
            return inside.decrementAndGet();
          });
        }));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        result.get(10, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(mostInside).hasValue(1);
    assertThat(locks.size()).isZero();
  }

  @Test
  void differentKeysDoNotWaitForEachOther() throws Exception {
    WorkloadKey first = new WorkloadKey("ns", "a", "uid-a", 1);
    WorkloadKey second = new WorkloadKey("ns", "b", "uid-b", 1);

    String result = locks.withLock(first, () -> {
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        return other.submit(() -> locks.withLock(second, () -> "b ran")).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        other.shutdownNow();
      }
    });

    assertThat(result).isEqualTo("b ran");
  }
}
