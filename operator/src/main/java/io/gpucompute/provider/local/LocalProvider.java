package io.gpucompute.provider.local;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.LogUploads;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadListener;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.WorkloadSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Local provider of one ProviderConfig: runs a job's command as a process on the operator's host, on GPUs of
 * the host's inventory.
 *
 * <p>Its whole truth is on disk, in one {@link WorkloadDirectory} per workload, so a fresh instance after an
 * operator restart observes, cancels and finds the GPUs of workloads an earlier one launched. Processes run in their
 * own session and outlive the operator.
 */
public final class LocalProvider implements GpuProvider {

  private static final Logger log = LoggerFactory.getLogger(LocalProvider.class);

  private final String configName;
  private final LocalHost host;
  private final GpuInventory inventory;
  private final PriceTable prices;
  private final LocalVolumes volumes;
  private final List<WorkloadListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  LocalProvider(String configName, LocalHost host, GpuInventory inventory, PriceTable prices,
      LocalVolumes volumes) {
    this.configName = configName;
    this.host = host;
    this.inventory = inventory;
    this.prices = prices;
    this.volumes = volumes;
    adoptRunningWorkloads();
  }

  @Override
  public ProbeResult probe() {
    Path stateDir = host.settings().stateDir();
    try {
      Files.createDirectories(host.settings().workloadsDir());
      Files.delete(Files.createTempFile(stateDir, ".probe-", ".tmp"));
    } catch (IOException | UnsupportedOperationException e) {
      return ProbeResult.notReady("StateDirNotWritable",
          "the state directory " + stateDir + " is not writable: " + e);
    }
    if (inventory.isEmpty()) {
      return ProbeResult.notReady("NoGpus", "no GPUs: nvidia-smi reports none and spec.local.gpus declares none");
    }
    return ProbeResult.ready(inventory.describe());
  }

  @Override
  public List<Offer> offers() {
    return LocalOffers.of(inventory, prices);
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    WorkloadKey key = spec.key();
    WorkloadDirectory dir = WorkloadDirectory.of(host.settings(), key);
    return host.locks().withLock(key, () -> {
      Optional<ProcessIdentity> launched = readProcess(dir);
      if (launched.isPresent()) {
        log.debug("workload {} already launched as pid {}", key, launched.get().pid());
        return submitResult(launched.get(), spec);
      }
      LaunchCommand.check(spec);
      volumes.check(spec.volumes());
      List<GpuDevice> candidates = inventory.candidatesFor(spec.gpu());
      List<GpuDevice> devices = host.allocator().allocate(dir.path(), candidates, spec.gpu().count());
      try {
        ProcessIdentity process = launch(spec, dir, devices);
        return submitResult(process, spec);
      } catch (ProviderException | RuntimeException e) {
        host.allocator().release(dir.path());
        throw e;
      }
    });
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    WorkloadDirectory dir = WorkloadDirectory.of(host.settings(), key);
    try {
      Optional<ProcessIdentity> process = dir.process();
      if (process.isEmpty()) {
        return Observation.notFound();
      }
      boolean alive = process.get().isAlive(); // before the exit code: see WorkloadVerdict
      Integer exitCode = dir.exitCode().orElse(null);
      boolean cancelled = dir.isCancelled();
      WorkloadVerdict verdict = WorkloadVerdict.of(exitCode, cancelled, alive, process.get().pid());
      if (!alive) {
        host.allocator().release(dir.path());
      }
      if (verdict.state().isFinished()) {
        archiveOutput(key, dir);
      }
      Instant startedAt = dir.startedAt().orElse(null);
      Instant finishedAt = exitCode != null ? dir.exitedAt().orElse(null)
          : cancelled ? dir.cancelledAt().orElse(null) : null;
      if (startedAt != null && finishedAt != null && finishedAt.isBefore(startedAt)) {
        finishedAt = startedAt; // file times are coarser than the clock
      }
      return new Observation(verdict.state(), externalId(process.get()), verdict.exitCode(), verdict.message(),
          LogTail.read(dir.outputLog()), startedAt, finishedAt);
    } catch (IOException | UncheckedIOException e) {
      throw new ProviderException.Transient("StateDirUnreadable",
          "cannot read the directory of workload " + key + " (" + dir + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    WorkloadDirectory dir = WorkloadDirectory.of(host.settings(), key);
    host.locks().withLock(key, () -> {
      Optional<ProcessIdentity> process = readProcess(dir);
      if (process.isEmpty()) {
        host.allocator().release(dir.path());
        return null;
      }
      try {
        if (dir.exitCode().isEmpty() && !dir.isCancelled()) {
          dir.markCancelled(Instant.now()); // first, so no observer takes the dying process for lost
        }
      } catch (IOException | UncheckedIOException e) {
        throw new ProviderException.Transient("StateDirNotWritable",
            "cannot mark workload " + key + " cancelled in " + dir + ": " + e.getMessage(), e);
      }
      boolean stopped = host.terminator().terminate(process.get(), key);
      host.allocator().release(dir.path());
      if (stopped) {
        log.info("workload {} cancelled: process group {} stopped", key, process.get().pid());
      } else {
        log.debug("workload {} cancelled: process group {} was not running", key, process.get().pid());
      }
      return null;
    });
  }

  /** Cancels the workload, then deletes its directory (its record and log): nothing of it stays on disk. */
  @Override
  public void forget(WorkloadKey key) throws ProviderException {
    cancel(key);
    WorkloadDirectory dir = WorkloadDirectory.of(host.settings(), key);
    host.locks().withLock(key, () -> {
      try {
        dir.delete();
      } catch (IOException | UncheckedIOException e) {
        throw new ProviderException.Transient("StateDirNotWritable",
            "cannot delete the directory of workload " + key + " (" + dir + "): " + e.getMessage(), e);
      }
      return null;
    });
  }

  /** The workload directories of this ProviderConfig that this installation launched. */
  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    Path workloadsDir = host.settings().workloadsDir();
    if (!Files.isDirectory(workloadsDir)) {
      return Optional.of(List.of());
    }
    try (Stream<Path> dirs = Files.list(workloadsDir)) {
      List<ListedWorkload> listed = new java.util.ArrayList<>();
      for (WorkloadDirectory dir : dirs.map(WorkloadDirectory::new).toList()) {
        if (dir.configName().filter(configName::equals).isPresent()
            && dir.installation().filter(installation::equals).isPresent()) {
          dir.key().ifPresent(key -> listed.add(new ListedWorkload(key,
              dir.process().map(LocalProvider::externalId).orElse(null), dir.startedAt().orElse(null))));
        }
      }
      return Optional.of(listed);
    } catch (IOException | UncheckedIOException e) {
      throw new ProviderException.Transient("StateDirUnreadable", "cannot list the workload directories in "
          + workloadsDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void watch(WorkloadListener listener) {
    listeners.add(listener);
  }

  /** Stops telling listeners about exits. Never stops workloads. */
  @Override
  public void close() {
    closed = true;
    listeners.clear();
  }

  private ProcessIdentity launch(WorkloadSpec spec, WorkloadDirectory dir, List<GpuDevice> devices)
      throws ProviderException {
    WorkloadKey key = spec.key();
    WorkloadLauncher.Launched launched;
    Instant startedAt = Instant.now(); // before the start: a quick process may end before launch returns
    try {
      dir.prepare(key, configName, spec.image(), spec.installation(), devices);
      if (spec.logUpload() != null) {
        dir.recordLogUpload(spec.logUpload().url());
      }
      Map<String, String> env = new LinkedHashMap<>(spec.env());
      env.putAll(volumes.prepare(spec.volumes(), dir.path()));
      LaunchCommand command = LaunchCommand.forWorkload(spec.withEnv(env), devices, host.mvCommand());
      launched = host.launcher().launch(dir, command);
    } catch (IOException | UncheckedIOException e) {
      throw new ProviderException.Transient("LaunchFailed",
          "cannot launch workload " + key + " in " + dir + ": " + e.getMessage(), e);
    }
    try {
      dir.recordLaunch(launched.identity(), startedAt);
    } catch (IOException | UncheckedIOException e) {
      // Without its record nobody could find this process again: stop it rather than leave it running.
      host.terminator().terminate(launched.identity(), key);
      throw new ProviderException.Transient("LaunchFailed",
          "cannot record the process of workload " + key + " in " + dir + ": " + e.getMessage(), e);
    }
    host.allocator().launched(dir.path());
    launched.process().onExit().thenRun(() -> exited(key, dir));
    log.info("workload {} launched as pid {} in {} on GPUs {} ({})", key, launched.identity().pid(), dir,
        LaunchCommand.cudaVisibleDevices(devices), inventory.source().label());
    return launched.identity();
  }

  /** Watches the still running workloads an earlier instance of this ProviderConfig launched. */
  private void adoptRunningWorkloads() {
    Path workloadsDir = host.settings().workloadsDir();
    if (!Files.isDirectory(workloadsDir)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(workloadsDir)) {
      dirs.map(WorkloadDirectory::new).forEach(this::adopt);
    } catch (IOException | UncheckedIOException e) {
      log.warn("ProviderConfig {}: cannot read {} to watch running workloads: {}", configName, workloadsDir,
          e.toString());
    }
  }

  private void adopt(WorkloadDirectory dir) {
    try {
      if (!dir.configName().filter(configName::equals).isPresent()) {
        return;
      }
      Optional<WorkloadKey> key = dir.key();
      Optional<ProcessIdentity> process = dir.process().filter(ProcessIdentity::isAlive);
      Optional<ProcessHandle> handle = process.flatMap(p -> ProcessHandle.of(p.pid()));
      if (key.isPresent() && handle.isPresent()) {
        handle.get().onExit().thenRun(() -> exited(key.get(), dir));
        log.info("workload {} still runs as pid {}; watching it", key.get(), handle.get().pid());
      }
    } catch (UncheckedIOException e) {
      log.warn("cannot read workload directory {}: {}", dir, e.toString());
    }
  }

  private void exited(WorkloadKey key, WorkloadDirectory dir) {
    host.allocator().release(dir.path());
    if (closed) {
      return;
    }
    log.debug("workload {} process exited", key);
    for (WorkloadListener listener : listeners) {
      try {
        listener.changed(key);
      } catch (RuntimeException e) {
        log.warn("a listener failed on the exit of workload {}", key, e);
      }
    }
  }

  private static Optional<ProcessIdentity> readProcess(WorkloadDirectory dir) throws ProviderException {
    try {
      return dir.process();
    } catch (UncheckedIOException e) {
      throw new ProviderException.Transient("StateDirUnreadable",
          "cannot read the workload directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Uploads a finished workload's output to its log archive, once: before the operator can see it finished, so that
   * the archive has it by the time the job has ended. A failed upload is recorded and not tried again; the job's
   * outcome does not depend on it.
   */
  private void archiveOutput(WorkloadKey key, WorkloadDirectory dir) throws IOException {
    Optional<java.net.URI> url = dir.logUpload();
    if (url.isEmpty() || dir.logArchived().isPresent()) {
      return;
    }
    try {
      LogUploads.put(dir.outputLog(), url.get());
      dir.markLogArchived("ok");
      log.info("workload {}: output archived", key);
    } catch (IOException e) {
      dir.markLogArchived("failed: " + e.getMessage());
      log.warn("workload {}: the output could not be archived: {}", key, e.getMessage());
    }
  }

  private static SubmitResult submitResult(ProcessIdentity process, WorkloadSpec spec) {
    String note = spec.image() == null || spec.image().isBlank()
        ? "the Local provider runs the command on the operator's host"
        : "image " + spec.image() + " recorded, not pulled: the Local provider runs the command on the operator's host";
    if (!spec.pullSecrets().isEmpty()) {
      note += "; pull secrets " + spec.pullSecrets().stream().map(PullSecret::secretName).toList()
          + " recorded, not used: Local does not pull";
    }
    if (!spec.volumes().isEmpty()) {
      note += "; volumes are at the paths in $GPUCOMPUTE_VOLUME_<NAME>, not at their mountPath";
    }
    return new SubmitResult(externalId(process), note);
  }

  private static String externalId(ProcessIdentity process) {
    return "pid:" + process.pid();
  }
}
