package io.gpucompute.provider;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory provider for fast reconciler tests: no process, no stub server. It passes the provider contract
 * ({@code FakeGpuProviderContractTest}), so what the operator does with it is what it would do with a real adapter.
 *
 * <p>Its truth is a {@link Cloud}, shared by every instance made on it, so a fresh instance (a restarted operator)
 * sees what an earlier one created. A workload "runs" its {@code sh -c} script at once, reading a small part of the
 * shell: {@code echo} (with {@code $NAME} and {@code "$NAME"} from the workload's env), {@code true}, {@code exit N}
 * and {@code sleep N}. A script without {@code sleep} ends as soon as it is created; one with {@code sleep} runs until
 * it is cancelled, or until a test {@link Cloud#finish finishes} it.
 */
public final class FakeGpuProvider implements GpuProvider {

  /** The provider's side: what exists, what was asked, and the faults a test turns on. */
  public static final class Cloud {
    private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> offered;
    private final int gpus;
    private volatile boolean down;

    /**
     * @param offered the GPU types on offer
     * @param gpus how many GPUs there are in all; a submit beyond them is refused for capacity
     */
    public Cloud(List<String> offered, int gpus) {
      this.offered = List.copyOf(offered);
      this.gpus = gpus;
    }

    /** While down, every call fails as a 503 would. */
    public void setDown(boolean down) {
      this.down = down;
    }

    /** How many workloads were created for {@code key}: the ledger, not the provider's word. */
    public int creates(WorkloadKey key) {
      AtomicInteger count = creates.get(key.workloadName());
      return count == null ? 0 : count.get();
    }

    /** Every call made to the provider. */
    public int calls() {
      return calls.get();
    }

    /** The workload of {@code key}, if it exists. */
    public Optional<Workload> workload(WorkloadKey key) {
      return Optional.ofNullable(workloads.get(key.workloadName()));
    }

    /** Ends a running workload with {@code exitCode}, as its command would. */
    public void finish(WorkloadKey key, int exitCode) {
      Workload workload = workloads.get(key.workloadName());
      if (workload != null && workload.state == WorkloadState.RUNNING) {
        workload.end(exitCode == 0 ? WorkloadState.SUCCEEDED : WorkloadState.FAILED, exitCode, "exited with code "
            + exitCode);
      }
    }

    /** The workloads that run now. */
    public List<Workload> running() {
      return workloads.values().stream().filter(w -> w.state == WorkloadState.RUNNING).toList();
    }

    private int gpusInUse() {
      return workloads.values().stream().filter(w -> w.state == WorkloadState.RUNNING).mapToInt(w -> w.gpus).sum();
    }
  }

  /** One workload at the fake provider. */
  public static final class Workload {
    final WorkloadKey key;
    final WorkloadSpec spec;
    final String id;
    final String installation;
    final int gpus;
    final Instant createdAt = Instant.now();
    final StringBuilder log = new StringBuilder();
    volatile WorkloadState state = WorkloadState.RUNNING;
    volatile Integer exitCode;
    volatile String message;
    volatile boolean released;

    Workload(WorkloadSpec spec, String id, String installation, int gpus) {
      this.key = spec.key();
      this.spec = spec;
      this.id = id;
      this.installation = installation;
      this.gpus = gpus;
    }

    void end(WorkloadState ended, Integer code, String why) {
      state = ended;
      exitCode = code;
      message = why;
    }

    public WorkloadState state() {
      return state;
    }

    /** What it was submitted with: its pull secrets and volumes are all it has of them. */
    public WorkloadSpec spec() {
      return spec;
    }

    public boolean released() {
      return released;
    }
  }

  private static final Pattern EXIT = Pattern.compile("exit\\s+(\\d+)");
  private static final Pattern SLEEP = Pattern.compile("sleep\\s+\\d+");
  private static final Pattern VARIABLE = Pattern.compile("\"?\\$([A-Za-z_][A-Za-z0-9_]*)\"?");
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Cloud cloud;

  public FakeGpuProvider(Cloud cloud) {
    this.cloud = cloud;
  }

  private void call() throws ProviderException {
    cloud.calls.incrementAndGet();
    if (cloud.down) {
      throw new ProviderException.Transient("FakeUnavailable", "the fake provider is down (HTTP 503)", null);
    }
  }

  @Override
  public ProbeResult probe() {
    return cloud.down ? ProbeResult.notReady("FakeUnavailable", "the fake provider is down")
        : ProbeResult.ready("the fake provider answers");
  }

  @Override
  public List<Offer> offers() throws ProviderException {
    call();
    return cloud.offered.stream().map(type -> new Offer(type, "fake " + type, null, null, null)).toList();
  }

  @Override
  public synchronized SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    call();
    WorkloadKey key = spec.key();
    Workload existing = cloud.workloads.get(key.workloadName());
    if (existing != null) {
      return new SubmitResult(existing.id, null);
    }
    if (cloud.offered.stream().noneMatch(type -> type.equalsIgnoreCase(spec.gpu().type()))) {
      throw new ProviderException.InvalidRequest("UnknownGpuType", "no " + spec.gpu().type() + " here; offered: "
          + cloud.offered);
    }
    if (cloud.gpusInUse() + spec.gpu().count() > cloud.gpus) {
      throw new ProviderException.NoCapacity("all " + cloud.gpus + " GPUs are busy");
    }
    Workload workload = new Workload(spec, "fake-" + IDS.incrementAndGet(), spec.installation(), spec.gpu().count());
    cloud.creates.computeIfAbsent(key.workloadName(), n -> new AtomicInteger()).incrementAndGet();
    run(workload, spec);
    cloud.workloads.put(key.workloadName(), workload);
    return new SubmitResult(workload.id, "a fake workload");
  }

  /** Runs the script's commands at once; a {@code sleep} leaves the workload running. */
  private static void run(Workload workload, WorkloadSpec spec) {
    List<String> argv = spec.argv();
    String script = argv.size() >= 3 && argv.get(0).equals("sh") ? argv.get(2) : String.join(" ", argv);
    for (String command : script.split(";")) {
      String c = command.strip();
      Matcher exit = EXIT.matcher(c);
      if (c.startsWith("echo ")) {
        workload.log.append(expand(c.substring(5).strip(), spec.env())).append('\n');
      } else if (exit.matches()) {
        int code = Integer.parseInt(exit.group(1));
        workload.end(code == 0 ? WorkloadState.SUCCEEDED : WorkloadState.FAILED, code, "exited with code " + code);
        return;
      } else if (SLEEP.matcher(c).matches()) {
        return; // runs until cancelled or finished by the test
      }
    }
    workload.end(WorkloadState.SUCCEEDED, 0, "exited with code 0");
  }

  private static String expand(String words, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(words);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    call();
    Workload w = cloud.workloads.get(key.workloadName());
    if (w == null) {
      return Observation.notFound();
    }
    return new Observation(w.state, w.id, w.exitCode, w.message, w.log.toString(), null, null);
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    call();
    Workload w = cloud.workloads.get(key.workloadName());
    if (w != null) {
      if (w.state == WorkloadState.RUNNING) {
        w.end(WorkloadState.FAILED, null, "cancelled");
      }
      w.released = true;
    }
  }

  @Override
  public void forget(WorkloadKey key) throws ProviderException {
    cancel(key);
    cloud.workloads.remove(key.workloadName());
  }

  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    call();
    List<ListedWorkload> listed = new ArrayList<>();
    for (Workload w : cloud.workloads.values()) {
      if (installation.equals(w.installation)) {
        listed.add(new ListedWorkload(w.key, w.id, w.createdAt));
      }
    }
    return Optional.of(listed);
  }
}
