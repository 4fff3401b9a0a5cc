package io.gpucompute.provider.local;

import io.gpucompute.provider.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the host's GPUs are busy, and with which workload: one per host, shared by every Local ProviderConfig.
 * GPUs are known by their CUDA_VISIBLE_DEVICES id (UUID or index).
 *
 * <p>It is rebuilt from the workload directories on construction (after an operator restart), and it frees the
 * GPUs of a workload whose process has ended whenever it looks for free ones, so a missed release never leaks GPUs.
 */
final class GpuAllocator {

  private static final Logger log = LoggerFactory.getLogger(GpuAllocator.class);

  /** Who holds a GPU: a workload directory, being launched or launched. */
  private record Holder(Path workloadDir, boolean launched) {}

  private final Map<String, Holder> holders = new HashMap<>();
  private final Predicate<Path> processRuns;

  /**
   * @param processRuns whether the process of a launched workload (by directory) still runs
   */
  GpuAllocator(Predicate<Path> processRuns) {
    this.processRuns = processRuns;
  }

  /** An allocator that knows the GPUs held by the workloads still running under {@code workloadsDir}. */
  static GpuAllocator recoveredFrom(Path workloadsDir) {
    GpuAllocator allocator = new GpuAllocator(GpuAllocator::launchedProcessRuns);
    if (!Files.isDirectory(workloadsDir)) {
      return allocator;
    }
    try (Stream<Path> dirs = Files.list(workloadsDir)) {
      dirs.map(WorkloadDirectory::new).filter(dir -> launchedProcessRuns(dir.path())).forEach(dir -> {
        allocator.holdLaunched(dir.path(), dir.deviceIds());
        log.info("GPUs {} are busy: workload {} still runs", dir.deviceIds(),
            dir.key().map(Object::toString).orElse(dir.path().toString()));
      });
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read {} to find the GPUs of running workloads: {}", workloadsDir, e.toString());
    }
    return allocator;
  }

  /**
   * Takes {@code count} free GPUs among {@code candidates} for the workload in {@code workloadDir}, which is about
   * to be launched: call {@link #launched} once it runs, or {@link #release} if it cannot start.
   *
   * @throws ProviderException.NoCapacity when fewer are free, saying how many are
   */
  synchronized List<GpuDevice> allocate(Path workloadDir, List<GpuDevice> candidates, int count)
      throws ProviderException.NoCapacity {
    release(workloadDir);
    List<GpuDevice> free = candidates.stream().filter(device -> !holders.containsKey(device.visibleId())).toList();
    if (free.size() < count) {
      // Only when short: frees the GPUs of workloads that ended (reading each one's process is not free, and with a
      // wide inventory it was most of a submit).
      candidates.forEach(device -> releaseIfFinished(device.visibleId()));
      free = candidates.stream().filter(device -> !holders.containsKey(device.visibleId())).toList();
    }
    if (free.size() < count) {
      String type = candidates.isEmpty() ? "" : candidates.get(0).type() + " ";
      throw new ProviderException.NoCapacity(free.size() + " of " + candidates.size() + " " + type
          + "GPUs on this host are free; the job needs " + count + " (the others run other jobs)");
    }
    List<GpuDevice> chosen = free.subList(0, count);
    chosen.forEach(device -> holders.put(device.visibleId(), new Holder(workloadDir, false)));
    return List.copyOf(chosen);
  }

  /** The workload in {@code workloadDir} now runs: from here on its GPUs free themselves when its process ends. */
  synchronized void launched(Path workloadDir) {
    holders.replaceAll((id, holder) -> holder.workloadDir().equals(workloadDir) ? new Holder(workloadDir, true) : holder);
  }

  /** Frees the GPUs of the workload in {@code workloadDir}, if it holds any. */
  synchronized void release(Path workloadDir) {
    holders.values().removeIf(holder -> holder.workloadDir().equals(workloadDir));
  }

  /** The ids of the busy GPUs. */
  synchronized Set<String> busyDeviceIds() {
    new TreeSet<>(holders.keySet()).forEach(this::releaseIfFinished);
    return Set.copyOf(holders.keySet());
  }

  private synchronized void holdLaunched(Path workloadDir, List<String> deviceIds) {
    deviceIds.forEach(id -> holders.put(id, new Holder(workloadDir, true)));
  }

  private void releaseIfFinished(String deviceId) {
    Holder holder = holders.get(deviceId);
    if (holder != null && holder.launched() && !processRuns.test(holder.workloadDir())) {
      release(holder.workloadDir());
    }
  }

  private static boolean launchedProcessRuns(Path workloadDir) {
    try {
      return new WorkloadDirectory(workloadDir).process().map(ProcessIdentity::isAlive).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
